/* src/events-objects.c: the C callbacks of network, storage pool, node device and secret events, and their families. */

#include "callbacks.h"

static void
lv_net_lifecycle(virConnectPtr conn, virNetworkPtr net, int event, int detail, void *opaque)
{
    lv_event_dispatch(opaque, LV_NETWORK, net, "ii", event, detail);
}

static void
lv_pool_lifecycle(virConnectPtr conn, virStoragePoolPtr pool, int event, int detail,
                  void *opaque)
{
    lv_event_dispatch(opaque, LV_STORAGE_POOL, pool, "ii", event, detail);
}

static void
lv_pool_generic(virConnectPtr conn, virStoragePoolPtr pool, void *opaque)
{
    lv_event_dispatch(opaque, LV_STORAGE_POOL, pool, "");
}

static void
lv_nodedev_lifecycle(virConnectPtr conn, virNodeDevicePtr dev, int event, int detail,
                     void *opaque)
{
    lv_event_dispatch(opaque, LV_NODE_DEVICE, dev, "ii", event, detail);
}

static void
lv_nodedev_generic(virConnectPtr conn, virNodeDevicePtr dev, void *opaque)
{
    lv_event_dispatch(opaque, LV_NODE_DEVICE, dev, "");
}

static void
lv_secret_lifecycle(virConnectPtr conn, virSecretPtr secret, int event, int detail,
                    void *opaque)
{
    lv_event_dispatch(opaque, LV_SECRET, secret, "ii", event, detail);
}

static void
lv_secret_generic(virConnectPtr conn, virSecretPtr secret, void *opaque)
{
    lv_event_dispatch(opaque, LV_SECRET, secret, "");
}

static const lv_event_cb lv_network_callbacks[] = {
    [VIR_NETWORK_EVENT_ID_LIFECYCLE] = LV_CB(lv_net_lifecycle),
};

static const lv_event_cb lv_pool_callbacks[] = {
    [VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE] = LV_CB(lv_pool_lifecycle),
    [VIR_STORAGE_POOL_EVENT_ID_REFRESH] = LV_CB(lv_pool_generic),
};

static const lv_event_cb lv_nodedev_callbacks[] = {
    [VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE] = LV_CB(lv_nodedev_lifecycle),
    [VIR_NODE_DEVICE_EVENT_ID_UPDATE] = LV_CB(lv_nodedev_generic),
};

static const lv_event_cb lv_secret_callbacks[] = {
    [VIR_SECRET_EVENT_ID_LIFECYCLE] = LV_CB(lv_secret_lifecycle),
    [VIR_SECRET_EVENT_ID_VALUE_CHANGED] = LV_CB(lv_secret_generic),
};

LV_DEFINE_FAMILY(lv_network_family, Network, lv_network_callbacks);
LV_DEFINE_FAMILY(lv_pool_family, StoragePool, lv_pool_callbacks);
LV_DEFINE_FAMILY(lv_nodedev_family, NodeDevice, lv_nodedev_callbacks);
LV_DEFINE_FAMILY(lv_secret_family, Secret, lv_secret_callbacks);

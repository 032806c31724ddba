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

static int
lv_register_network(virConnectPtr conn, void *obj, int id, lv_event_cb cb, void *opaque,
                    virFreeCallback ff)
{
    return virConnectNetworkEventRegisterAny(conn, obj, id,
                                             (virConnectNetworkEventGenericCallback)cb, opaque, ff);
}

static int
lv_register_pool(virConnectPtr conn, void *obj, int id, lv_event_cb cb, void *opaque,
                 virFreeCallback ff)
{
    return virConnectStoragePoolEventRegisterAny(
        conn, obj, id, (virConnectStoragePoolEventGenericCallback)cb, opaque, ff);
}

static int
lv_register_nodedev(virConnectPtr conn, void *obj, int id, lv_event_cb cb, void *opaque,
                    virFreeCallback ff)
{
    return virConnectNodeDeviceEventRegisterAny(
        conn, obj, id, (virConnectNodeDeviceEventGenericCallback)cb, opaque, ff);
}

static int
lv_register_secret(virConnectPtr conn, void *obj, int id, lv_event_cb cb, void *opaque,
                   virFreeCallback ff)
{
    return virConnectSecretEventRegisterAny(conn, obj, id,
                                            (virConnectSecretEventGenericCallback)cb, opaque, ff);
}

const lv_event_family lv_network_family =
    LV_FAMILY(Network, lv_network_callbacks, lv_register_network);
const lv_event_family lv_pool_family =
    LV_FAMILY(StoragePool, lv_pool_callbacks, lv_register_pool);
const lv_event_family lv_nodedev_family =
    LV_FAMILY(NodeDevice, lv_nodedev_callbacks, lv_register_nodedev);
const lv_event_family lv_secret_family =
    LV_FAMILY(Secret, lv_secret_callbacks, lv_register_secret);

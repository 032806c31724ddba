/* src/events-objects.c: network, storage pool, node device, secret event callbacks. */

#include "callbacks.h"

/* The C callbacks of these events are all of two kinds, alike but for the
 * object's type: cb(conn, object, event, detail, opaque) for a lifecycle
 * event, cb(conn, object, opaque) for the others (refresh, update, value
 * changed). */
#define LV_LIFECYCLE_CB(name, type, kind)                                          \
    static void                                                                    \
    name(virConnectPtr conn, type obj, int event, int detail, void *opaque)        \
    {                                                                              \
        lv_event_dispatch(opaque, kind, obj, "ii", event, detail);                 \
    }
#define LV_GENERIC_CB(name, type, kind)                                            \
    static void                                                                    \
    name(virConnectPtr conn, type obj, void *opaque)                               \
    {                                                                              \
        lv_event_dispatch(opaque, kind, obj, "");                                  \
    }

LV_LIFECYCLE_CB(lv_net_lifecycle, virNetworkPtr, LV_NETWORK)
LV_LIFECYCLE_CB(lv_pool_lifecycle, virStoragePoolPtr, LV_STORAGE_POOL)
LV_GENERIC_CB(lv_pool_generic, virStoragePoolPtr, LV_STORAGE_POOL)
LV_LIFECYCLE_CB(lv_nodedev_lifecycle, virNodeDevicePtr, LV_NODE_DEVICE)
LV_GENERIC_CB(lv_nodedev_generic, virNodeDevicePtr, LV_NODE_DEVICE)
LV_LIFECYCLE_CB(lv_secret_lifecycle, virSecretPtr, LV_SECRET)
LV_GENERIC_CB(lv_secret_generic, virSecretPtr, LV_SECRET)

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

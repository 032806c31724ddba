# Python-level methods of virConnect, merged by generator.py into the body of
# libvirt.py's virConnect class (over its C methods).
#
# The _dispatch* methods are the reference binding's event dispatchers: its
# C code calls them with the raw handle and the registration's cbData
# ({"cb": callable, "conn": connection, "opaque": value}) and they call
# cb(conn, object, <event arguments>..., opaque).  This binding's C code
# calls the callbacks directly and never goes through them; they are here,
# with the reference's parameter names, results and quirks, for programs
# that call them by hand.  `dom`, `net`, ... may be any handle object of
# the right class: the callback gets a new wrapper of the same libvirt
# object (Class(conn, _obj=handle)), as with the reference.


class virConnect:
    def __enter__(self) -> "virConnect":
        """`with libvirt.open(uri) as conn:` closes the connection on leaving."""
        return self

    def __exit__(self, exc_type_: "type[BaseException] | None",
                 exc_value_: "BaseException | None",
                 traceback_: "TracebackType | None") -> None:
        """Close the connection; exceptions propagate (returns None)."""
        self.close()

    def _deliver(self, cbData: "dict[str, Any]", *args: "Any") -> int:
        """cbData["cb"](conn, *args, cbData["opaque"]); returns 0, what the
        reference's dispatchers return."""
        cbData["cb"](self, *args, cbData["opaque"])
        return 0

    def _dispatchDomainEventCallbacks(self, dom: "Any", event: int, detail: int) -> None:
        """Call every callback of self.domainEventCallbacks ({cb: opaque},
        the reference's store of domainEventRegister() callbacks) as
        cb(conn, dom, event, detail, opaque).  Returns None; an
        AttributeError (no such dict, or raised by a callback) is ignored,
        as in the reference.

        This binding's domainEventRegister() keeps its callbacks in C, not
        in that attribute: only a dict set by hand is dispatched to."""
        try:
            for cb, opaque in self.domainEventCallbacks.items():
                cb(self, virDomain(self, _obj=dom), event, detail, opaque)
        except AttributeError:
            pass

    def _dispatchCloseCallback(self, reason: int, cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a connection close: cb(conn, reason, opaque).
        Returns 0."""
        return self._deliver(cbData, reason)

    def _dispatchDomainEventLifecycleCallback(self, dom: "Any", event: int, detail: int,
                                              cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a domain lifecycle event:
        cb(conn, dom, event, detail, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), event, detail)

    def _dispatchDomainEventGenericCallback(self, dom: "Any", cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a generic domain event (reboot, control error):
        cb(conn, dom, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom))

    def _dispatchDomainEventRTCChangeCallback(self, dom: "Any", offset: int,
                                              cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for an RTC change:
        cb(conn, dom, offset, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), offset)

    def _dispatchDomainEventWatchdogCallback(self, dom: "Any", action: int,
                                             cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a watchdog event:
        cb(conn, dom, action, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), action)

    def _dispatchDomainEventIOErrorCallback(self, dom: "Any", srcPath: str, devAlias: str,
                                            action: int, cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for an I/O error:
        cb(conn, dom, srcPath, devAlias, action, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), srcPath, devAlias, action)

    def _dispatchDomainEventIOErrorReasonCallback(self, dom: "Any", srcPath: str, devAlias: str,
                                                  action: int, reason: str,
                                                  cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for an I/O error with its reason:
        cb(conn, dom, srcPath, devAlias, action, reason, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), srcPath, devAlias, action, reason)

    def _dispatchDomainEventGraphicsCallback(self, dom: "Any", phase: int,
                                             localAddr: "dict[str, str]",
                                             remoteAddr: "dict[str, str]", authScheme: str,
                                             subject: "list[tuple[str, str]]",
                                             cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a graphics connection event:
        cb(conn, dom, phase, localAddr, remoteAddr, authScheme, subject, opaque).
        Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), phase, localAddr, remoteAddr,
                             authScheme, subject)

    def _dispatchDomainEventBlockJobCallback(self, dom: "Any", disk: str, type: int, status: int,
                                             cbData: "dict[str, Any]") -> None:
        """Call cbData["cb"] for a block job event (BLOCK_JOB and BLOCK_JOB_2):
        cb(conn, dom, disk, type, status, opaque).  Returns None, as the
        reference does here (its other dispatchers return 0); an
        AttributeError the callback raises is ignored, as in the reference."""
        try:
            cb = cbData["cb"]
            opaque = cbData["opaque"]
            cb(self, virDomain(self, _obj=dom), disk, type, status, opaque)
        except AttributeError:
            pass

    def _dispatchDomainEventDiskChangeCallback(self, dom: "Any", oldSrcPath: "str | None",
                                               newSrcPath: "str | None", devAlias: str,
                                               reason: int, cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a disk change:
        cb(conn, dom, oldSrcPath, newSrcPath, devAlias, reason, opaque).
        Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), oldSrcPath, newSrcPath, devAlias,
                             reason)

    def _dispatchDomainEventTrayChangeCallback(self, dom: "Any", devAlias: str, reason: int,
                                               cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a tray change:
        cb(conn, dom, devAlias, reason, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), devAlias, reason)

    def _dispatchDomainEventPMWakeupCallback(self, dom: "Any", reason: int,
                                             cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a PM wakeup:
        cb(conn, dom, reason, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), reason)

    def _dispatchDomainEventPMSuspendCallback(self, dom: "Any", reason: int,
                                              cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a PM suspend:
        cb(conn, dom, reason, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), reason)

    def _dispatchDomainEventBalloonChangeCallback(self, dom: "Any", actual: int,
                                                  cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a balloon change:
        cb(conn, dom, actual, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), actual)

    def _dispatchDomainEventPMSuspendDiskCallback(self, dom: "Any", reason: int,
                                                  cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a PM suspend to disk:
        cb(conn, dom, reason, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), reason)

    def _dispatchDomainEventDeviceRemovedCallback(self, dom: "Any", devAlias: str,
                                                  cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a device removal:
        cb(conn, dom, devAlias, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), devAlias)

    def _dispatchDomainEventTunableCallback(self, dom: "Any", params: "dict[str, Any]",
                                            cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a tunable change:
        cb(conn, dom, params, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), params)

    def _dispatchDomainEventAgentLifecycleCallback(self, dom: "Any", state: int, reason: int,
                                                   cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a guest agent lifecycle event:
        cb(conn, dom, state, reason, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), state, reason)

    def _dispatchDomainEventDeviceAddedCallback(self, dom: "Any", devAlias: str,
                                                cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a device addition:
        cb(conn, dom, devAlias, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), devAlias)

    def _dispatchDomainEventMigrationIterationCallback(self, dom: "Any", iteration: int,
                                                       cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a migration iteration:
        cb(conn, dom, iteration, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), iteration)

    def _dispatchDomainEventJobCompletedCallback(self, dom: "Any", params: "dict[str, Any]",
                                                 cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a completed job:
        cb(conn, dom, params, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), params)

    def _dispatchDomainEventDeviceRemovalFailedCallback(self, dom: "Any", devAlias: str,
                                                        cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a failed device removal:
        cb(conn, dom, devAlias, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), devAlias)

    def _dispatchDomainEventMetadataChangeCallback(self, dom: "Any", mtype: int,
                                                   nsuri: "str | None",
                                                   cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a metadata change:
        cb(conn, dom, mtype, nsuri, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), mtype, nsuri)

    def _dispatchDomainEventBlockThresholdCallback(self, dom: "Any", dev: str, path: "str | None",
                                                   threshold: int, excess: int,
                                                   cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a block threshold crossing:
        cb(conn, dom, dev, path, threshold, excess, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), dev, path, threshold, excess)

    def _dispatchDomainEventMemoryFailureCallback(self, dom: "Any", recipient: int, action: int,
                                                  flags: int, cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a memory failure:
        cb(conn, dom, recipient, action, flags, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), recipient, action, flags)

    def _dispatchDomainEventMemoryDeviceSizeChangeCallback(self, dom: "Any", alias: str, size: int,
                                                           cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a memory device size change:
        cb(conn, dom, alias, size, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), alias, size)

    def _dispatchDomainEventNICMACChangeCallback(self, dom: "Any", alias: str, oldMAC: str,
                                                 newMAC: str, cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a NIC MAC address change:
        cb(conn, dom, alias, oldMAC, newMAC, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), alias, oldMAC, newMAC)

    def _dispatchDomainEventVcpuRemovedCallback(self, dom: "Any", vcpuid: int,
                                                cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a vCPU removal:
        cb(conn, dom, vcpuid, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), vcpuid)

    def _dispatchDomainEventChannelLifecycleCallback(self, dom: "Any", state: int, reason: int,
                                                     cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a channel lifecycle event:
        cb(conn, dom, state, reason, opaque).  Returns 0."""
        return self._deliver(cbData, virDomain(self, _obj=dom), state, reason)

    def _dispatchNetworkEventLifecycleCallback(self, net: "Any", event: int, detail: int,
                                               cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a network lifecycle event:
        cb(conn, net, event, detail, opaque).  Returns 0."""
        return self._deliver(cbData, virNetwork(self, _obj=net), event, detail)

    def _dispatchNetworkEventMetadataChangeCallback(self, dom: "Any", mtype: int,
                                                    nsuri: "str | None",
                                                    cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a network metadata change:
        cb(conn, dom, mtype, nsuri, opaque).  Returns 0.
        (The network parameter is called `dom`, as in the reference.)"""
        return self._deliver(cbData, virNetwork(self, _obj=dom), mtype, nsuri)

    def _dispatchStoragePoolEventLifecycleCallback(self, pool: "Any", event: int, detail: int,
                                                   cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a storage pool lifecycle event:
        cb(conn, pool, event, detail, opaque).  Returns 0."""
        return self._deliver(cbData, virStoragePool(self, _obj=pool), event, detail)

    def _dispatchStoragePoolEventGenericCallback(self, pool: "Any",
                                                 cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a generic storage pool event (refresh):
        cb(conn, pool, opaque).  Returns 0."""
        return self._deliver(cbData, virStoragePool(self, _obj=pool))

    def _dispatchNodeDeviceEventLifecycleCallback(self, dev: "Any", event: int, detail: int,
                                                  cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a node device lifecycle event:
        cb(conn, dev, event, detail, opaque).  Returns 0."""
        return self._deliver(cbData, virNodeDevice(self, _obj=dev), event, detail)

    def _dispatchNodeDeviceEventGenericCallback(self, dev: "Any", cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a generic node device event (update):
        cb(conn, dev, opaque).  Returns 0."""
        return self._deliver(cbData, virNodeDevice(self, _obj=dev))

    def _dispatchSecretEventLifecycleCallback(self, secret: "Any", event: int, detail: int,
                                              cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a secret lifecycle event:
        cb(conn, secret, event, detail, opaque).  Returns 0."""
        return self._deliver(cbData, virSecret(self, _obj=secret), event, detail)

    def _dispatchSecretEventGenericCallback(self, secret: "Any", cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a generic secret event (value changed):
        cb(conn, secret, opaque).  Returns 0."""
        return self._deliver(cbData, virSecret(self, _obj=secret))

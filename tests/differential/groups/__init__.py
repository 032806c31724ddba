"""The differential calls, one module an object family (see ../scenarios.py).

  module      libvirt's module functions, libvirtError
  connect     virConnect
  domain      virDomain
  network     virNetwork, virInterface
  storage     virStoragePool, virStorageVol
  nodedev     virNodeDevice
  snapshot    virDomainSnapshot, virDomainCheckpoint
  stream      virStream
  events      event registration and delivery; an event loop in Python
  qemu_lxc    libvirt_qemu, libvirt_lxc
  daemon      virSecret, virNWFilter, virNWFilterBinding, virNetworkPort (libvirtd)
"""

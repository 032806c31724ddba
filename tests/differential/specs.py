"""The XML and UUIDs of the objects the calls create, define or look up."""


NEW_DOM_UUID = "5a1f0e2c-0009-4a6b-9c3d-1e2f3a4b5c09"
NEW_DOM_XML = ("<domain type='test'><name>newdom</name><uuid>%s</uuid>"
               "<memory unit='KiB'>65536</memory><vcpu>1</vcpu>"
               "<os><type>hvm</type></os></domain>" % NEW_DOM_UUID)
NEW_NET_XML = ("<network><name>newnet</name><uuid>5a1f0e2c-0109-4a6b-9c3d-1e2f3a4b5d09</uuid>"
               "<bridge name='virbr19'/><ip address='192.168.159.1' netmask='255.255.255.0'/>"
               "</network>")
NEW_POOL_XML = ("<pool type='dir'><name>newpool</name>"
                "<uuid>5a1f0e2c-0209-4a6b-9c3d-1e2f3a4b5e09</uuid>"
                "<target><path>/newpool</path></target></pool>")
NEW_VOL_XML = ("<volume><name>new.img</name><capacity unit='bytes'>1048576</capacity>"
               "<allocation unit='bytes'>0</allocation></volume>")
NEW_IFACE_XML = ("<interface type='ethernet' name='eth5'><start mode='none'/>"
                 "<mac address='52:54:00:aa:bb:05'/></interface>")
VHBA_XML = ("<device><parent>scsi_host5</parent><capability type='scsi_host'>"
            "<capability type='fc_host'><wwnn>2000000012349999</wwnn>"
            "<wwpn>1000000012349999</wwpn></capability></capability></device>")
CPU_XML = ("<cpu><arch>x86_64</arch><model>core2duo</model><vendor>Intel</vendor>"
           "<topology sockets='1' cores='2' threads='1'/></cpu>")
DISK_XML = ("<disk type='file' device='disk'><source file='/guest/extra.img'/>"
            "<target dev='vdc' bus='virtio'/></disk>")
ALPHA_DISK_XML = ("<disk type='file' device='disk'><source file='/guest/alpha-data.img'/>"
                  "<target dev='vdb' bus='virtio'/></disk>")
SNAP_XML = "<domainsnapshot><name>snap3</name><description>new</description></domainsnapshot>"
CP_XML = "<domaincheckpoint><name>cp3</name></domaincheckpoint>"
META_NS = "http://example.org/app"
SECRET_UUID = "5a1f0e2c-0401-4a6b-9c3d-1e2f3a4b6001"
SECRET_XML = ("<secret ephemeral='no' private='no'><uuid>%s</uuid>"
              "<description>vol key</description>"
              "<usage type='volume'><volume>/pool-a/disk1.img</volume></usage></secret>"
              % SECRET_UUID)
SECRET2_UUID = "5a1f0e2c-0402-4a6b-9c3d-1e2f3a4b6002"
SECRET2_XML = ("<secret ephemeral='no' private='no'><uuid>%s</uuid>"
               "<usage type='ceph'><name>client.admin</name></usage></secret>" % SECRET2_UUID)
NWFILTER_UUID = "5a1f0e2c-0501-4a6b-9c3d-1e2f3a4b7001"
NWFILTER_XML = ("<filter name='allow-all' chain='root'><uuid>%s</uuid>"
                "<rule action='accept' direction='inout' priority='500'><all/></rule></filter>"
                % NWFILTER_UUID)
BINDING_XML = ("<filterbinding><owner><name>alpha</name>"
               "<uuid>5a1f0e2c-0001-4a6b-9c3d-1e2f3a4b5c01</uuid></owner>"
               "<portdev name='vnet8'/><mac address='52:54:00:00:00:08'/>"
               "<filterref filter='allow-all'/></filterbinding>")
PORT_UUID = "5a1f0e2c-0601-4a6b-9c3d-1e2f3a4b8001"
PORT_XML = ("<networkport><uuid>%s</uuid><owner><name>alpha</name>"
            "<uuid>5a1f0e2c-0001-4a6b-9c3d-1e2f3a4b5c01</uuid></owner>"
            "<mac address='52:54:00:00:00:01'/>"
            "<bandwidth><inbound average='1000'/><outbound average='2000' peak='3000'/>"
            "</bandwidth></networkport>" % PORT_UUID)
PORT2_XML = PORT_XML.replace(PORT_UUID, "5a1f0e2c-0602-4a6b-9c3d-1e2f3a4b8002").replace(
    "52:54:00:00:00:01", "52:54:00:00:00:02")
BRIDGE_NET_XML = ("<network><name>pnet</name><uuid>5a1f0e2c-0110-4a6b-9c3d-1e2f3a4b5d10</uuid>"
                  "<forward mode='bridge'/><bridge name='br-fake'/></network>")

ALPHA = "5a1f0e2c-0001-4a6b-9c3d-1e2f3a4b5c01"
NET_ONE = "5a1f0e2c-0101-4a6b-9c3d-1e2f3a4b5d01"
POOL_A = "5a1f0e2c-0201-4a6b-9c3d-1e2f3a4b5e01"
NOWHERE = "5a1f0e2c-ffff-4a6b-9c3d-1e2f3a4bffff"

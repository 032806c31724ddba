# Python-level members of virStorageVol (merged into the generated class).


class virStorageVol:
    # The chunk size, in bytes, the reference's stream helpers read and
    # write at a time (recvAll, sendAll and their sparse variants).
    streamBufSize = 262120

#!/usr/bin/env python3
"""Write the zip bombs docs/hostile.md measures privscan against.

    scripts/make-bomb.py OUT_DIR [BASE_APK]

BASE_APK (default fixtures/sample.apk) gives the real AndroidManifest.xml,
so the scan gets past the manifest and reaches the bomb entries. Writes:

  bomb-1g.apk    classes.dex inflating to 1 GiB of zeros (~1 MiB file):
                 must stop at max_entry_size before inflating anything.
  bomb-17x64.apk classes.dex .. classes17.dex, 64 MiB each (1.06 GiB in
                 all): each entry is under the per-entry cap, so this
                 exercises max_total_inflated and the in-flight byte gate.

Measure with:  /usr/bin/time -v privscan scan OUT_DIR/bomb-1g.apk --format json
"""
import os
import sys
import zipfile
import zlib

MIB = 1024 * 1024


def deflated_zeros(size):
    """Raw-deflate `size` zero bytes, streamed in 1 MiB chunks."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MIB)
    out = []
    left = size
    while left:
        n = min(left, MIB)
        out.append(c.compress(chunk[:n]))
        left -= n
    out.append(c.flush())
    return b"".join(out)


def add_deflated(z, name, size, crc):
    """Add a deflated entry without materialising `size` bytes."""
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    data = deflated_zeros(size)
    # zipfile has no public API for pre-compressed data: write the entry
    # as stored bytes, then patch method, sizes and CRC in its headers.
    info.compress_type = zipfile.ZIP_STORED
    z.writestr(info, data)
    zi = z.getinfo(name)
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.file_size = size
    zi.CRC = crc
    return zi


def zero_crc(size):
    crc = 0
    chunk = bytes(MIB)
    left = size
    while left:
        n = min(left, MIB)
        crc = zlib.crc32(chunk[:n], crc)
        left -= n
    return crc


def write(path, manifest, entries):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("AndroidManifest.xml", manifest)
        for name, size, crc in entries:
            add_deflated(z, name, size, crc)
    # Re-patch the local headers, which zipfile wrote before we changed
    # method/size/CRC (the central directory is written at close()).
    with open(path, "r+b") as f:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
        for zi in infos:
            if zi.filename == "AndroidManifest.xml":
                continue
            f.seek(zi.header_offset + 8)
            f.write((8).to_bytes(2, "little"))  # method: deflate
            f.seek(zi.header_offset + 14)
            f.write(zi.CRC.to_bytes(4, "little"))
            f.write(zi.compress_size.to_bytes(4, "little"))
            f.write(zi.file_size.to_bytes(4, "little"))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    base = sys.argv[2] if len(sys.argv) > 2 else "fixtures/sample.apk"
    os.makedirs(out, exist_ok=True)
    with zipfile.ZipFile(base) as z:
        manifest = z.read("AndroidManifest.xml")
    write(os.path.join(out, "bomb-1g.apk"), manifest, [("classes.dex", 1024 * MIB, zero_crc(1024 * MIB))])
    crc64 = zero_crc(64 * MIB)
    names = ["classes.dex"] + ["classes%d.dex" % i for i in range(2, 18)]
    write(os.path.join(out, "bomb-17x64.apk"), manifest, [(n, 64 * MIB, crc64) for n in names])
    for n in ("bomb-1g.apk", "bomb-17x64.apk"):
        p = os.path.join(out, n)
        print("%s: %d bytes" % (p, os.path.getsize(p)))


if __name__ == "__main__":
    main()

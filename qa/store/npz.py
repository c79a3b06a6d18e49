"""Arrays of an uncompressed .npz (what `np.savez` writes) mapped from the file, not copied.

`np.load(..., mmap_mode="r")` maps a .npy but reads every member of a .npz into memory. An
uncompressed member is a plain .npy inside the zip, so it can be mapped at its offset: a
replica's BM25 postings and a build's unchanged segments are then read only where used.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np


def mapped_member(path: Path, name: str) -> np.ndarray:
    """Member `name` of an uncompressed .npz (what `np.savez` writes), memory-mapped."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"{name}.npy")
        if info.compress_type != zipfile.ZIP_STORED:
            with archive.open(info) as handle:
                return np.lib.format.read_array(handle)
    with open(path, "rb") as handle:
        handle.seek(info.header_offset)
        local = handle.read(30)  # the local file header: its name and extra field follow
        start = info.header_offset + 30 + int.from_bytes(local[26:28], "little") + \
            int.from_bytes(local[28:30], "little")
        handle.seek(start)
        version = np.lib.format.read_magic(handle)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, fortran, dtype = read_header(handle)
        offset = handle.tell()
    if not shape or not np.prod(shape):
        return np.zeros(shape, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape,
                     order="F" if fortran else "C")


__all__ = ["mapped_member"]

"""The identities of the entries of a NumPy object array, read in one step.

Exact trees repeat a few number objects at thousands of nodes, so the engine groups entries by
object identity before it hashes or converts values (each distinct object once). Reading the
identities entry by entry (``np.fromiter(map(id, items))``) costs a Python call per entry. In
CPython ``id(x)`` is the address of ``x``, and a C-contiguous object array stores exactly those
addresses in its buffer, one pointer per entry: :func:`object_ids` copies that buffer as
integers. Other interpreters (or an unexpected pointer size) take the entry-by-entry path; the
result is the same array either way.

The identities are only meaningful while the objects are alive: the caller keeps ``values``
(which references them) for as long as it compares the identities.
"""

from __future__ import annotations

import ctypes
import sys

import numpy as np

_DIRECT = sys.implementation.name == "cpython" and \
    ctypes.sizeof(ctypes.c_void_p) == np.dtype(np.uint64).itemsize


def object_ids(values: np.ndarray | list[object]) -> np.ndarray:
    """``id`` of every entry of ``values`` (an object array of any shape, read in C order, or a
    list), as a flat ``uint64`` array."""
    if isinstance(values, list):
        return np.fromiter(map(id, values), dtype=np.uint64, count=len(values))
    flat = np.ascontiguousarray(values).reshape(-1)
    if not _DIRECT or flat.dtype != object or not flat.size:
        return np.fromiter(map(id, flat.tolist()), dtype=np.uint64, count=flat.size)
    # a bytes copy of the buffer (independent of ``flat``); not a ctypes array, whose type,
    # made per length, would be cyclic garbage for the collector to find
    ids = np.frombuffer(ctypes.string_at(flat.ctypes.data, flat.size * 8), dtype=np.uint64)
    if int(ids[0]) != id(flat[0]) or int(ids[-1]) != id(flat[-1]):  # not CPython's layout
        return np.fromiter(map(id, flat.tolist()), dtype=np.uint64, count=flat.size)
    return ids


def distinct_objects(values: np.ndarray | list[object]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct objects of ``values`` (read as :func:`object_ids` reads them): ``first``, the
    index of each one's first entry (distinct objects ordered by identity), and ``inverse``, for
    every entry the position of its object in ``first``. By sorting, not ``np.unique`` (which
    would import ``numpy.ma`` into a short command)."""
    ids = object_ids(values)
    order = np.argsort(ids, kind="stable")  # equal identities keep their entries' order
    ordered = ids[order]
    new = np.ones(len(ids), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    inverse = np.empty(len(ids), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return order[new], inverse

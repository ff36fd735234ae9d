"""Big outputs are written a slice at a time (axiskg.slices), whole and in order."""

from __future__ import annotations

import io

from axiskg.atomic import atomic_write
from axiskg.slices import SLICE, write_in_slices


class _Recording(io.BytesIO):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def write(self, data) -> int:
        self.calls.append(len(data))
        return super().write(data)


def test_big_bytes_go_in_slices_whole_and_in_order():
    data = bytes(range(256)) * (3 * SLICE // 256 + 7)
    out = _Recording()
    write_in_slices(out, data)
    assert out.getvalue() == data
    assert max(out.calls) == SLICE and len(out.calls) == -(-len(data) // SLICE)


def test_small_bytes_go_in_one_write():
    out = _Recording()
    write_in_slices(out, b"abc")
    assert out.calls == [3] and out.getvalue() == b"abc"


def test_atomic_write_of_big_parts_and_many_lines(tmp_path):
    big = b"x" * (2 * SLICE + 3)
    lines = [b"<a> <b> <c%d> .\n" % i for i in range(20_000)]
    atomic_write(tmp_path / "out.nt", [big, *lines, big])
    assert (tmp_path / "out.nt").read_bytes() == big + b"".join(lines) + big


def test_parts_written_at_their_offsets_make_the_whole_file_in_any_order(tmp_path):
    """The union's workers each fill their own part of one output (axiskg.slices.write_at)."""
    from axiskg.slices import write_at

    first, second = b"a" * (SLICE + 5), b"b" * (2 * SLICE + 1)
    path = tmp_path / "out"
    write_at(path, len(first), second)  # the later part first: the file has a hole meanwhile
    write_at(path, 0, first)
    assert path.read_bytes() == first + second

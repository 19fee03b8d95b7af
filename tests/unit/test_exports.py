"""What an export writes, whatever Stripe answers: amounts in the currency's major unit, and a
zip any unzip tool reads although it was sent file by file."""

from __future__ import annotations

import io
import zipfile

import pytest

from edge.exports import Sink, major


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (1234, "eur", "12.34"),
        (5, "usd", "0.05"),
        (-2500, "gbp", "-25.00"),
        (0, "eur", "0.00"),
        (1200, "jpy", "1200"),
        (-300, "krw", "-300"),
        (12340, "kwd", "12.340"),
        (100_000_000_00, "eur", "100000000.00"),
        (None, "eur", ""),
    ],
)
def test_an_amount_is_written_in_the_currencys_major_unit(
    amount: int | None, currency: str, shown: str
) -> None:
    assert major(amount, currency) == shown


def test_a_zip_sent_file_by_file_has_each_files_size_before_it() -> None:
    sink, sent = Sink(), io.BytesIO()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive:
        for n in range(3):
            archive.writestr(zipfile.ZipInfo(f"{n}.pdf", (2026, 1, 2, 3, 4, 5)), b"%PDF" * n)
            sent.write(sink.drain())
            # Once sent, nothing of it stays in the proxy.
            assert sink.buffer.getbuffer().nbytes == 0
    sent.write(sink.drain())
    read = zipfile.ZipFile(sent)
    assert [read.read(f"{n}.pdf") for n in range(3)] == [b"", b"%PDF", b"%PDF%PDF"]
    # No data descriptors: streaming unzip tools know each file's size from its header.
    assert all(info.flag_bits & 0x08 == 0 for info in read.infolist())
    with pytest.raises(OSError):
        sink.seek(0)

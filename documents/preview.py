"""The README's picture of a protocol: page one of the PDF the bot sends, rendered to PNG by
PDFium (`pypdfium2`, a development dependency: the bot itself never renders pages).

    python -m documents.preview docs/protocol-page-1.png

The sample is an РМО's in-person meeting with the seed form's fields (000, the protocol form
at the end; 002 Annex 2 §4.10): number and date, the association, who was present and
absent, the agenda, what was heard and decided on each question, the two signatures.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from documents.protocol import pdf_bytes
from services.protocol_content import (
    Attendee,
    Outcome,
    ProtocolContent,
    Question,
    Signer,
)

DPI = 80  # the README's picture: A4 at 661 × 935 px

SAMPLE = ProtocolContent(
    number=3,
    version=1,
    meeting_day=date(2026, 12, 20),
    association="РМО учителей математики",
    topic="Итоги первого полугодия",
    form="in_person",
    place="МОУ СОШ № 5, каб. 12",
    locale="ru",
    timezone="Europe/Moscow",
    presiding=Signer(
        "Смирнова Елена Викторовна", "chair", datetime(2026, 12, 21, 9, 0, tzinfo=UTC)
    ),
    keeper=Signer("Иванова Мария Петровна", "secretary", datetime(2026, 12, 21, 8, 30, tzinfo=UTC)),
    members=12,
    present=tuple(
        Attendee(name, school)
        for name, school in (
            ("Смирнова Елена Викторовна", "МОУ СОШ № 5"),
            ("Иванова Мария Петровна", "МОУ СОШ № 1"),
            ("Петров Сергей Иванович", "Лицей № 2"),
            ("Кузнецова Ольга Николаевна", "Гимназия № 3"),
            ("Ёлкина Алёна Фёдоровна", "МОУ СОШ № 7"),
            ("Сидоров Павел Андреевич", "МОУ СОШ № 9"),
            ("Анна-Мария Петровна Иванова-Смирнова", "МОУ СОШ № 11"),
            ("Орлова Ирина Сергеевна", "МОУ ООШ № 4"),
            ("Белов Пётр Ильич", "МОУ СОШ № 12"),
        )
    ),
    absent=(
        Attendee("Васильева Нина Петровна", "МОУ СОШ № 8", reason="курсы повышения квалификации"),
        Attendee("Громов Антон Олегович", "МОУ СОШ № 6"),
        Attendee("Лебедева Анна Юрьевна", "Гимназия № 3", reason="болезнь"),
    ),
    questions=(
        Question(
            1,
            "Об итогах полугодовых контрольных работ по математике",
            "Петров С.И.",
            heard="Петрова С.И., учителя лицея № 2, который представил результаты контрольных "
            "работ 7-9 классов: средний балл 3,8, качество знаний 61 %.",
            decision="Принять информацию к сведению; учителям разобрать типичные ошибки до 20.01.",
            outcome=Outcome(9, 0, 0, 9, 12, adopted=True),
        ),
        Question(
            2,
            "О проведении открытых уроков в феврале",
            "Смирнова Е.В.",
            heard="Смирнову Е.В., руководителя РМО, которая предложила график открытых уроков.",
            decision="Утвердить график открытых уроков на февраль.",
            outcome=Outcome(8, 0, 1, 9, 12, adopted=True),
        ),
    ),
    kind="rmo",
    city="г. Артёмовский",
)


def page_png(pdf: bytes, index: int = 0, dpi: int = DPI) -> bytes:
    """Page `index` of a PDF as a greyscale PNG at `dpi`."""
    import pypdfium2  # a development dependency: only the README's picture and its test

    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[index].render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
    finally:
        document.close()


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else "docs/protocol-page-1.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(page_png(pdf_bytes(SAMPLE)))
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

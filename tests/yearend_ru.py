"""The year-end report template's texts in Russian, as the catalog has them (the template
tests check every msgid is translated and fits a question's 300 characters)."""

YEAREND_RU = {
    "Year-end report": "Отчёт за учебный год",
    "Qualification courses you took this school year, one per line: title; direction (its "
    "number in the list); hours; in person or distance; provider; date finished (DD.MM.YYYY). "
    "«No» if none.": (
        "Курсы повышения квалификации в этом учебном году, по одному в строке: название; "
        "направление (номер из списка); часы; очно или дистанционно; организатор; дата "
        "окончания (ДД.ММ.ГГГГ). «Нет», если не было."
    ),
    "Where did you share your experience this school year?": (
        "Где вы транслировали свой опыт в этом учебном году?"
    ),
    "At the school methodological association (ШМО)": "На заседаниях ШМО",
    "At the teachers' council (педсовет)": "На заседаниях педсовета",
    "At a meeting of our association": "На заседании нашего объединения (ГМО, РМО)",
    "At a municipal event": "На муниципальном мероприятии",
    "At a regional event": "На региональном мероприятии",
    "In a publication": "В публикации",
    "Nowhere": "Опыт не транслировал(а)",
    "Professional contests you took part in and their results, one per line: contest — "
    "result. «No» if none.": (
        "Профессиональные конкурсы и их результаты, по одному в строке: конкурс — результат. "
        "«Нет», если не участвовали."
    ),
    "Open lessons and master classes you gave, one per line. «No» if none.": (
        "Открытые уроки и мастер-классы, которые вы провели, по одному в строке. «Нет», "
        "если не было."
    ),
    "Which diagnostics of professional competences did you pass?": (
        "Какую диагностику профессиональных компетенций вы прошли?"
    ),
    "A federal procedure": "Федеральную процедуру",
    "A regional procedure": "Региональную процедуру",
    "None": "Не проходил(а)",
    "Do you follow an individual route of professional development?": (
        "Есть ли у вас индивидуальный маршрут профессионального развития?"
    ),
    "An individual educational route (ИОМ) at the ЦНППМ": "ИОМ на базе ЦНППМ",
    "An individual plan at my school": "Индивидуальный план в моей школе",
}

"""The default classification of 102 calls (plain data: migrations import it too)."""

# code, default priority, unit kinds that suit it, Russian, Kazakh, English
DEFAULTS = [
    ("violence", 1, ["car", "foot"], "Насилие, драка, нападение", "Зорлық-зомбылық, төбелес",
     "Violence in progress"),
    ("crash_injury", 1, ["car"], "ДТП с пострадавшими", "Зардап шеккендері бар ЖКО",
     "Road crash with injuries"),
    ("theft_now", 1, ["car", "foot"], "Кража, грабёж сейчас", "Қазір болып жатқан ұрлық",
     "Theft or robbery in progress"),
    ("domestic", 2, ["car"], "Семейно-бытовой конфликт", "Отбасылық-тұрмыстық жанжал",
     "Domestic disturbance"),
    ("missing", 2, ["car", "foot"], "Пропал человек", "Адам жоғалды", "Missing person"),
    ("crash", 3, ["car"], "ДТП без пострадавших", "Зардап шеккендерсіз ЖКО",
     "Road crash without injuries"),
    ("public_order", 3, ["car", "foot"], "Нарушение общественного порядка, шум",
     "Қоғамдық тәртіпті бұзу, шу", "Public order, noise"),
    ("theft_report", 4, ["car", "foot"], "Заявление о краже (прошедшей)", "Ұрлық туралы арыз",
     "Theft reported after the fact"),
    ("other", 3, [], "Прочее", "Басқа", "Other"),
]  # fmt: skip

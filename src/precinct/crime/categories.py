"""The code lists of street-level offence records, shaped like data.police.uk's.

The codes are data.police.uk's (``burglary``, ``violent-crime`` …) so that a client written
for it reads precinct unchanged; each is mapped to the Kazakh offence group it stands for
(the Criminal Code's articles and the Form 1-M group of ``analytics.form1m.CATEGORIES``),
documented in docs/open-data.md. Names are made in ru, kk and en; ``str()`` of a name is the
reader's language. Complaints about officers are not a category: they never become records.
"""

from dataclasses import dataclass

from precinct.territory.models import name_in_reader_language


@dataclass(frozen=True)
class Code:
    """A code with its names in Russian, Kazakh and English, and what it stands for here."""

    code: str
    name: str  # Russian
    name_kk: str
    name_en: str
    group: str = ""  # the Form 1-M group (analytics.form1m.CATEGORIES); "" for none
    articles: str = ""  # the Kazakh law it covers, for the documentation

    def __str__(self) -> str:
        return name_in_reader_language(self)


ALL_CRIME = Code("all-crime", "Все правонарушения", "Барлық құқық бұзушылықтар", "All crime")

CATEGORIES: dict[str, Code] = {
    c.code: c
    for c in (
        Code(
            "anti-social-behaviour", "Антиобщественное поведение", "Қоғамға жат мінез-құлық",
            "Anti-social behaviour", "", "Administrative Offences Code: petty hooliganism "
            "(art. 434), drinking in public places (art. 440)",
        ),
        Code(
            "bicycle-theft", "Кража велосипеда", "Велосипед ұрлығы", "Bicycle theft",
            "theft", "Criminal Code art. 188 (theft) of a bicycle",
        ),
        Code(
            "burglary", "Кража с проникновением", "Үйге кіріп ұрлау", "Burglary",
            "theft", "Criminal Code art. 188 part 2 p. 3, part 3: theft with entry into a "
            "dwelling, premises or storage",
        ),
        Code(
            "criminal-damage-arson", "Уничтожение или повреждение имущества, поджог",
            "Мүлікті жою немесе бүлдіру, өртеу", "Criminal damage and arson",
            "property_other", "Criminal Code arts. 202–203",
        ),
        Code(
            "drugs", "Наркотики", "Есірткі", "Drugs",
            "drugs", "Criminal Code arts. 296–303 (narcotic drugs and psychotropic substances)",
        ),
        Code(
            "other-theft", "Прочие кражи", "Басқа ұрлықтар", "Other theft",
            "theft", "Criminal Code art. 188 not counted in another theft category",
        ),
        Code(
            "possession-of-weapons", "Незаконный оборот оружия", "Қаруды заңсыз айналымға салу",
            "Possession of weapons", "other", "Criminal Code arts. 287–288",
        ),
        Code(
            "public-order", "Нарушение общественного порядка", "Қоғамдық тәртіпті бұзу",
            "Public order", "hooliganism", "Criminal Code art. 293 (hooliganism), art. 272 "
            "(mass disorder)",
        ),
        Code(
            "robbery", "Грабёж и разбой", "Тонау және қарақшылық", "Robbery",
            "robbery", "Criminal Code arts. 191 (robbery, грабёж) and 192 (brigandage, разбой)",
        ),
        Code(
            "shoplifting", "Кража из магазина", "Дүкеннен ұрлық", "Shoplifting",
            "theft", "Criminal Code art. 188: theft from a shop",
        ),
        Code(
            "theft-from-the-person", "Кража у человека", "Адамнан ұрлау",
            "Theft from the person", "theft", "Criminal Code art. 188 part 2 p. 4: theft from "
            "clothing, a bag or other hand luggage",
        ),
        Code(
            "vehicle-crime", "Преступления, связанные с транспортом", "Көлікке қатысты қылмыстар",
            "Vehicle crime", "theft", "Criminal Code art. 188 (theft of or from a vehicle), "
            "art. 200 (taking a vehicle without intent to steal)",
        ),
        Code(
            "violent-crime", "Насилие и преступления против личности",
            "Зорлық-зомбылық және жеке адамға қарсы қылмыстар", "Violence and sexual offences",
            "person", "Criminal Code chapter 1 (crimes against the person, arts. 99–134) and "
            "chapter 2 (sexual offences)",
        ),
        Code(
            "other-crime", "Прочие преступления", "Басқа қылмыстар", "Other crime",
            "other", "Every other article, fraud (art. 190) included",
        ),
    )
}  # fmt: skip

OUTCOMES: dict[str, Code] = {
    c.code: c
    for c in (
        Code(
            "under-investigation", "Идёт досудебное расследование",
            "Сотқа дейінгі тергеу жүріп жатыр",
            "Under investigation", articles="registered in the ERDR, pre-trial investigation open",
        ),
        Code(
            "awaiting-court-outcome", "Дело направлено в суд", "Іс сотқа жіберілді",
            "Awaiting court outcome", articles="indictment sent to court",
        ),
        Code(
            "investigation-complete-no-suspect-identified",
            "Расследование приостановлено: лицо не установлено",
            "Тергеу тоқтатыла тұрды: адам анықталмады",
            "Investigation complete; no suspect identified",
            articles="suspended: the person to be charged was not identified",
        ),
        Code(
            "unable-to-prosecute", "Уголовное преследование невозможно",
            "Қылмыстық қудалау мүмкін емес", "Unable to prosecute suspect",
            articles="terminated (no corpus delicti, limitation, death of the suspect …)",
        ),
        Code(
            "local-resolution", "Примирение сторон", "Тараптардың татуласуы", "Local resolution",
            articles="released on reconciliation of the parties (Criminal Code art. 68)",
        ),
        Code(
            "offender-fined", "Назначен штраф", "Айыппұл тағайындалды", "Offender fined",
            articles="convicted: fine",
        ),
        Code(
            "offender-given-community-sentence", "Назначены общественные работы",
            "Қоғамдық жұмыстар тағайындалды", "Offender given community sentence",
            articles="convicted: public works or restriction of liberty",
        ),
        Code(
            "offender-sent-to-prison", "Назначено лишение свободы",
            "Бас бостандығынан айыру тағайындалды",
            "Offender sent to prison", articles="convicted: imprisonment",
        ),
        Code(
            "defendant-found-not-guilty", "Оправдательный приговор", "Ақтау үкімі",
            "Defendant found not guilty", articles="acquitted",
        ),
        Code(
            "court-case-unable-to-proceed", "Дело прекращено судом", "Істі сот тоқтатты",
            "Court case unable to proceed", articles="terminated by the court",
        ),
    )
}  # fmt: skip


def category_names() -> list[dict]:
    """Every category (all-crime first) as ``url`` and ``name`` in the reader's language."""
    return [{"url": c.code, "name": str(c)} for c in (ALL_CRIME, *CATEGORIES.values())]

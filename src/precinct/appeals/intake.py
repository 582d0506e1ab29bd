"""What other apps may ask of appeals: to register an appeal they took from a resident.

Other apps read appeals through ``metrics`` and ``models`` only; this module is the one
deliberate write across the boundary. Receptions call it when a head turns what a
resident raised at his reception into a registered appeal.
"""

from precinct.appeals import services
from precinct.appeals.models import Appeal, Channel


def appeal_register_from_reception(
    *,
    actor,
    department_id: int,
    type: str,
    text: str,
    contact_name: str,
    contact_phone: str,
    category_code: str | None = None,
) -> Appeal:
    """Register, on behalf of ``actor``, what a resident raised at a head's reception.

    The appeal is routed to the reception's department and counts its deadline from now,
    like any staff entry; the same checks and access rule as ``appeal_register`` apply.
    The category the head chose (if any) lets the theme be counted among what residents
    raised (``priorities``).
    """
    appeal, _created = services.appeal_register(
        type=type,
        text=text,
        channel=Channel.RECEPTION,
        category_code=category_code,
        department_id=department_id,
        contact_name=contact_name,
        contact_phone=contact_phone,
        registered_by=actor,
    )
    return appeal

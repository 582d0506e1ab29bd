"""Every access rule of precinct, as small functions tested from each persona's side.

A staff user's scope is a department and everything under it (``Department.path``
prefix); no department means the whole country. Residents are anonymous users: they see
only what is public.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from precinct.accounts.models import Role
from precinct.territory.models import Department, Officer, Precinct, PrecinctAssignment

STAFF_ROLES = frozenset(Role.values)
NATIONAL_ROLES = frozenset({Role.ADMIN, Role.ANALYST})


def is_staff_member(user) -> bool:
    """Signed in with a staff role (not a resident)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role)


def has_national_scope(user) -> bool:
    """Sees the whole country: administrators and analysts not tied to a department."""
    return is_staff_member(user) and user.department_id is None and user.role in NATIONAL_ROLES


def departments_in_scope(user) -> QuerySet[Department]:
    """The departments a staff user may see: his own and all below it."""
    if not is_staff_member(user):
        return Department.objects.none()
    if has_national_scope(user):
        return Department.objects.all()
    if user.department_id is None:
        return Department.objects.none()
    return Department.objects.filter(path__startswith=user.department.path)


def is_in_scope(user, department: Department) -> bool:
    """The department lies within the user's territorial scope."""
    if not is_staff_member(user):
        return False
    if has_national_scope(user):
        return True
    own = user.department
    return own is not None and department.path.startswith(own.path)


# Inspectors and heads are the public faces of the service: residents may call them.
PUBLIC_CONTACT_ROLES = frozenset({Officer.Role.INSPECTOR, Officer.Role.HEAD})


def has_public_contact(officer: Officer) -> bool:
    """Anyone, residents included, may see this officer's phone and e-mail."""
    return officer.role in PUBLIC_CONTACT_ROLES


def can_view_officer_contact(user, officer: Officer) -> bool:
    """Inspectors' and heads' contacts are public; others' only for staff in scope."""
    if has_public_contact(officer):
        return True
    return is_in_scope(user, officer.department)


def can_view_staff_roster(user, department: Department) -> bool:
    """The full roster of a department (all roles) is for its heads, analysts and admins."""
    return user_role_in(user, {Role.HEAD, Role.ANALYST, Role.ADMIN}) and is_in_scope(
        user, department
    )


def can_edit_territory(user, department: Department) -> bool:
    """Precincts, posts and assignments are edited by administrators and heads in scope."""
    return user_role_in(user, {Role.ADMIN, Role.HEAD}) and is_in_scope(user, department)


def can_read_audit_log(user) -> bool:
    """Only administrators read the audit log."""
    return user_role_in(user, {Role.ADMIN})


def can_use_admin(user) -> bool:
    """The Django admin (reference data, accounts, the audit log) is for administrators;
    what each may change there is decided per row (can_edit_territory, can_manage_units,
    can_manage_staff_account)."""
    return user_role_in(user, {Role.ADMIN})


def can_manage_staff_account(user, account) -> bool:
    """Administrators manage the accounts of their scope; a national account (no
    department) only a national administrator, so no one widens his own reach."""
    if not can_use_admin(user):
        return False
    if account.department_id is None:
        return has_national_scope(user)
    return is_in_scope(user, account.department)


def user_role_in(user, roles) -> bool:
    """Signed-in staff with one of the given roles."""
    return is_staff_member(user) and user.role in roles


def officers_visible_to(user, queryset: QuerySet[Officer]) -> QuerySet[Officer]:
    """Restrict officers to those whose record the user may open."""
    if has_national_scope(user):
        return queryset
    public = Q(role__in=PUBLIC_CONTACT_ROLES)
    if not is_staff_member(user) or user.department_id is None:
        return queryset.filter(public)
    return queryset.filter(public | Q(department__path__startswith=user.department.path))


# --- planning ---
PLANNER_ROLES = frozenset({Role.ANALYST, Role.ADMIN})


def can_plan(user, department: Department | None = None) -> bool:
    """Siting jobs and staff imports: analysts and admins in scope (department None: the
    whole country, national scope only); heads for departments within their own scope."""
    if department is None:
        return user_role_in(user, PLANNER_ROLES) and has_national_scope(user)
    return user_role_in(user, PLANNER_ROLES | {Role.HEAD}) and is_in_scope(user, department)


def can_use_planning_tools(user) -> bool:
    """May open the planners' pages at all (what they may do there is checked per department)."""
    return user_role_in(user, PLANNER_ROLES | {Role.HEAD})


INTERVENTION_READERS = frozenset({Role.HEAD, Role.DEPUTY_HEAD, Role.ANALYST, Role.ADMIN})


def can_record_intervention(user, department: Department) -> bool:
    """Record a change (a post opened, a foot patrol) for evaluation: planners in scope."""
    return can_plan(user, department)


def can_view_interventions(user) -> bool:
    """Open the recorded changes and their estimated effects: heads, their deputies,
    analysts and admins (each sees those of his scope)."""
    return user_role_in(user, INTERVENTION_READERS)


def interventions_visible_to(user, queryset):
    """The changes a reader may open: those of departments in his scope."""
    if not can_view_interventions(user):
        return queryset.none()
    if has_national_scope(user):
        return queryset
    return queryset.filter(department__in=departments_in_scope(user))


def can_manage_siting_job(user, job) -> bool:
    """Cancel or keep a siting job: planners of the job's area, and whoever started it."""
    return can_plan(user, job.department) or (
        job.created_by_id is not None and job.created_by_id == getattr(user, "pk", None)
    )


def siting_jobs_visible_to(user, queryset):
    """Siting jobs a planner may open: national planners all; others those of their
    scope and those they started (a national job only if they started it)."""
    if not can_use_planning_tools(user):
        return queryset.none()
    if has_national_scope(user):
        return queryset
    scope = departments_in_scope(user)
    return queryset.filter(Q(department__in=scope) | Q(created_by=user)).exclude(
        Q(department=None) & ~Q(created_by=user)
    )


def can_edit_post_project(user, department: Department) -> bool:
    """Funding, budget and due dates of new posts: admins, analysts and heads in scope."""
    return user_role_in(user, PLANNER_ROLES | {Role.HEAD}) and is_in_scope(user, department)


# --- evaluation ---
INTEGRITY_READERS = frozenset({Role.HEAD, Role.ANALYST, Role.INTERNAL_SECURITY})


def can_open_integrity_registry(user) -> bool:
    """May open the registry's pages at all (which department or head: checked per page)."""
    return user_role_in(user, INTEGRITY_READERS)


def can_view_integrity(user, department: Department) -> bool:
    """Officers' offences: heads, analysts and internal security, within their scope."""
    if not user_role_in(user, INTEGRITY_READERS):
        return False
    if user.role == Role.ANALYST and user.department_id is None:
        return True
    return user.department_id is not None and is_in_scope(user, department)


def can_record_integrity(user, department: Department) -> bool:
    """Only internal security registers offences and their outcomes, within its scope."""
    return (
        user_role_in(user, {Role.INTERNAL_SECURITY})
        and user.department_id is not None
        and is_in_scope(user, department)
    )


# The recording integrity indicator (recorded against reported offences per precinct):
# internal security, analysts and national administrators. Heads are left out on
# purpose: the indicator questions how their own units record offences, and, as with
# complaints about officers, the check is made above the unit it concerns.
RECORDING_INTEGRITY_READERS = frozenset({Role.INTERNAL_SECURITY, Role.ANALYST, Role.ADMIN})


def can_open_recording_integrity(user) -> bool:
    """May open the recording integrity page at all (which department: checked per page)."""
    return user_role_in(user, RECORDING_INTEGRITY_READERS) and (
        has_national_scope(user) or user.department_id is not None
    )


def can_view_recording_integrity(user, department: Department | None) -> bool:
    """The recording integrity of a department's precincts (None: the whole country):
    internal security and analysts within their scope, national analysts and
    administrators everywhere; never heads, inspectors or residents."""
    if not user_role_in(user, RECORDING_INTEGRITY_READERS):
        return False
    if has_national_scope(user):
        return True
    if user.role == Role.ADMIN or department is None:
        return False
    return is_in_scope(user, department)


def can_view_head_record(user, head: Officer) -> bool:
    """A head's record of subordinates' offences: the head himself or an integrity reader
    whose scope covers the head's department."""
    own = getattr(user, "officer_id", None) == head.pk and user_role_in(user, {Role.HEAD})
    return own or can_view_integrity(user, head.department)


def can_manage_surveys(user) -> bool:
    """Survey waves, invitations and imports: analysts and administrators."""
    return user_role_in(user, {Role.ANALYST, Role.ADMIN})


# --- appeals ---
APPEAL_READERS = frozenset({Role.INSPECTOR, Role.OPERATOR, Role.HEAD, Role.DEPUTY_HEAD, Role.ADMIN})
APPEAL_REGISTRARS = APPEAL_READERS
# APPC art. 76: the time to answer is extended by "the head of the body or his deputy".
APPEAL_EXTENDERS = frozenset({Role.HEAD, Role.DEPUTY_HEAD})


def _excluded_from_appeal(user, appeal) -> bool:
    """A complaint about an officer is never shown to him or to anyone of his unit."""
    if appeal.about_officer_id is None:
        return False
    if user.officer_id is not None and user.officer_id == appeal.about_officer_id:
        return True
    return user.department_id is not None and user.department_id == appeal.hidden_from_department_id


def can_work_on_appeals(user) -> bool:
    """May open the staff appeal workspace (which appeals: ``appeals_visible_to``)."""
    return user_role_in(user, APPEAL_READERS)


def can_view_appeal(user, appeal) -> bool:
    """Heads, deputies, operators and admins in scope; inspectors only what is assigned
    to them; never the officer a complaint is about, nor anyone of his unit.

    Analysts and patrol officers see measures, never an appeal's personal data.
    """
    if not user_role_in(user, APPEAL_READERS) or _excluded_from_appeal(user, appeal):
        return False
    if user.role == Role.INSPECTOR:
        return appeal.assigned_to_id == user.pk
    return is_in_scope(user, appeal.department)


def appeals_visible_to(user, queryset):
    """Restrict appeals to those ``can_view_appeal`` allows, in one query."""
    if not user_role_in(user, APPEAL_READERS):
        return queryset.none()
    hidden = Q(about_officer__isnull=False) & (
        Q(hidden_from_department_id=user.department_id)
        | (Q(about_officer_id=user.officer_id) if user.officer_id else Q(pk__in=[]))
    )
    queryset = queryset.exclude(hidden)
    if user.role == Role.INSPECTOR:
        return queryset.filter(assigned_to_id=user.pk)
    if has_national_scope(user):
        return queryset
    if user.department_id is None:
        return queryset.none()
    # A subquery of department ids (not a join on the path) lets the database walk the
    # (department, status, due_date) index of appeals.
    return queryset.filter(department__in=departments_in_scope(user).values("id"))


def can_register_appeal(user, department: Department) -> bool:
    """Staff who take appeals by phone or at a reception, for a department in scope."""
    return user_role_in(user, APPEAL_REGISTRARS) and is_in_scope(user, department)


def can_manage_appeal(user, appeal) -> bool:
    """Assign, extend, forward and close: the heads over the appeal's department, admins."""
    return user_role_in(user, {Role.HEAD, Role.ADMIN}) and can_view_appeal(user, appeal)


def can_extend_appeal(user, appeal) -> bool:
    """Extend the time to answer: the head over the appeal's department or his deputy
    (the law names them; an administrator manages accounts, not appeals' deadlines)."""
    return user_role_in(user, APPEAL_EXTENDERS) and can_view_appeal(user, appeal)


def can_answer_appeal(user, appeal) -> bool:
    """The officer it is assigned to, or a head who may manage it."""
    if can_manage_appeal(user, appeal):
        return True
    return can_view_appeal(user, appeal) and appeal.assigned_to_id == user.pk


APPEAL_ASSIGNEES = frozenset({Role.INSPECTOR, Role.HEAD})


def can_be_assigned_appeal(user, appeal) -> bool:
    """An assignee must be able to see the appeal (so never the officer complained about)."""
    if not user_role_in(user, APPEAL_ASSIGNEES):
        return False
    if _excluded_from_appeal(user, appeal):
        return False
    return is_in_scope(user, appeal.department)


def appeal_assignees(appeal, queryset):
    """Restrict accounts to those ``can_be_assigned_appeal`` allows, in one query: staff
    of the appeal's department or one above it (their scope covers it)."""
    steps = appeal.department.path.strip("/").split("/")
    covering = ["/" + "/".join(steps[:n]) + "/" for n in range(1, len(steps) + 1)]
    queryset = queryset.filter(
        is_active=True, role__in=APPEAL_ASSIGNEES, department__path__in=covering
    )
    if appeal.about_officer_id is None:
        return queryset
    hidden = Q(officer_id=appeal.about_officer_id)
    if appeal.hidden_from_department_id is not None:
        hidden |= Q(department_id=appeal.hidden_from_department_id)
    return queryset.exclude(hidden)


def can_manage_receptions(user, department: Department) -> bool:
    """Heads publish their department's reception hours and record outcomes; admins too."""
    return user_role_in(user, {Role.HEAD, Role.ADMIN}) and is_in_scope(user, department)


# --- dispatch ---
DISPATCH_ROLES = frozenset({Role.OPERATOR, Role.HEAD, Role.ADMIN})


def can_take_calls(user) -> bool:
    """102 operators (and heads, admins) take calls and dispatch units."""
    return user_role_in(user, DISPATCH_ROLES)


def can_dispatch_incident(user, incident) -> bool:
    """Dispatching for an incident: a dispatching role with the incident's department in scope."""
    return can_take_calls(user) and is_in_scope(user, incident.department)


def can_view_incident(user, incident) -> bool:
    """Staff see incidents of departments in their scope; residents see none."""
    return is_in_scope(user, incident.department)


def can_view_caller_phone(user, incident) -> bool:
    """The caller's phone (personal data) is for dispatching staff in scope only."""
    return can_dispatch_incident(user, incident)


def can_read_dispatch_measures(user, department: Department | None) -> bool:
    """Response-time measures: analysts, heads and admins in scope, and operators
    (department None: the whole country, national scope only)."""
    if not user_role_in(user, {Role.ANALYST, Role.HEAD, Role.ADMIN, Role.OPERATOR}):
        return False
    return has_national_scope(user) if department is None else is_in_scope(user, department)


def can_open_dispatch_measures(user) -> bool:
    """The measures page shows the user's own scope: his department, or the country."""
    return is_staff_member(user) and can_read_dispatch_measures(user, user.department)


def incidents_visible_to(user, queryset):
    """Restrict incidents to departments in the user's scope."""
    if has_national_scope(user):
        return queryset
    if not is_staff_member(user) or user.department_id is None:
        return queryset.none()
    return queryset.filter(department__path__startswith=user.department.path)


def can_manage_units(user, department) -> bool:
    """Units (and their device tokens) are managed by heads and admins in scope."""
    return user_role_in(user, {Role.HEAD, Role.ADMIN}) and is_in_scope(user, department)


# --- receptions pages ---
def can_use_receptions_workspace(user) -> bool:
    """May open the receptions page (each department is checked by can_manage_receptions)."""
    return user_role_in(user, {Role.HEAD, Role.ADMIN})


def can_publish_receptions_for_any_head(user) -> bool:
    """Administrators publish hours for any head in their scope; a head only for himself."""
    return user_role_in(user, {Role.ADMIN})


# --- workspaces (start pages) ---
PRECINCT_OVERSEERS = frozenset({Role.HEAD, Role.ANALYST, Role.ADMIN})


def can_open_inspector_workspace(user) -> bool:
    """The district inspector's own workspace: his precinct, his appeals, its calls."""
    return user_role_in(user, {Role.INSPECTOR})


def serves_precinct(user, precinct: Precinct) -> bool:
    """The user's officer is assigned to the precinct today."""
    if not is_staff_member(user) or user.officer_id is None:
        return False
    today = timezone.localdate()
    return (
        PrecinctAssignment.objects.filter(
            officer_id=user.officer_id, precinct=precinct, starts_on__lte=today
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        .exists()
    )


def can_view_precinct_workspace(user, precinct: Precinct) -> bool:
    """A precinct's workspace (its residents, posts, calls and figures): the inspectors
    who serve it, and heads, analysts and admins whose scope covers it. An inspector sees
    his own precincts only, even within his department."""
    if can_open_inspector_workspace(user):
        return serves_precinct(user, precinct)
    return user_role_in(user, PRECINCT_OVERSEERS) and is_in_scope(user, precinct.department)


def can_open_head_workspace(user) -> bool:
    """A head's start page: his department's queue, receptions, scorecard and precincts;
    his deputy, who reads and extends the same appeals, starts there too."""
    return user_role_in(user, {Role.HEAD, Role.DEPUTY_HEAD}) and user.department_id is not None


# --- priorities residents set -----------------------------------------------------------
PRIORITY_HEADS = frozenset({Role.HEAD, Role.DEPUTY_HEAD})


def can_work_on_priorities(user) -> bool:
    """May open the priorities pages at all (which precincts: ``can_set_priorities``)."""
    return user_role_in(user, PRIORITY_HEADS | {Role.INSPECTOR})


def can_set_priorities(user, precinct: Precinct) -> bool:
    """Set, review, report on and close a precinct's priorities: the head of its department
    (or one above it) and his deputy, and the inspector who serves the precinct today;
    nobody else (analysts and administrators read them on the public page)."""
    if user_role_in(user, {Role.INSPECTOR}):
        return serves_precinct(user, precinct)
    return user_role_in(user, PRIORITY_HEADS) and is_in_scope(user, precinct.department)


def priority_precincts_visible_to(user, queryset: QuerySet[Precinct]) -> QuerySet[Precinct]:
    """Restrict precincts to those whose priorities ``can_set_priorities`` lets the user set."""
    if user_role_in(user, {Role.INSPECTOR}):
        today = timezone.localdate()
        served = PrecinctAssignment.objects.filter(
            officer_id=user.officer_id, starts_on__lte=today
        ).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        return queryset.filter(pk__in=served.values("precinct_id"))
    if not user_role_in(user, PRIORITY_HEADS) or user.department_id is None:
        return queryset.none()
    return queryset.filter(department__in=departments_in_scope(user).values("id"))

# ruff: noqa: F401 (the package re-exports the command layer)
"""The life of a case (docs/domain.md): the command layer is the only code that changes a case.

rules.py holds the step table and its checks; commands.py declares each step once, the plumbing
(row lock, rule check, timeline, save, side effects) done by its declaration; steps.py is what a
step writes through; batch.py saves synthetic cases built by the same steps; erasure.py erases
personal data at the end of the retention period.
"""

from .commands import (
    ACTIONS,
    REISSUERS,
    accept,
    add_note,
    answer_directly,
    approve_draft,
    approve_extension,
    assign,
    attach_file,
    close,
    complete_milestone,
    contribute_co_handling,
    escalate_supervision_notice,
    issue_supervision_notice,
    manager_approve,
    manager_return,
    mark_duplicate,
    note_tracking_paused,
    pause,
    post_progress,
    receive_information,
    record_handling_plan,
    record_outcome,
    record_satisfaction,
    record_supervision_notice,
    refuse_extension,
    register_case,
    register_visit,
    reissue_access_code,
    reject,
    release_co_handler,
    reopen,
    replay,
    replay_registration,
    reply,
    request_evidence,
    request_extension,
    request_information,
    reroute,
    respond_to_supervision,
    resume,
    return_draft,
    route,
    submit_for_review,
    verify_access_code,
    withdraw,
)
from .rules import (
    CO_HANDLER,
    HANDLER,
    INTAKE,
    MANAGER,
    MAX_EXTENSION_DAYS,
    MIN_EXTENSION_DAYS,
    REVIEWER,
    RULES,
    SUPERVISOR,
    Rule,
    TransitionNotAllowed,
    available_transitions,
    can,
    refusal,
    step_form,
    waiting_for,
)

__all__ = [name for name in dir() if not name.startswith("_")]

"""Only the command layer (casework.workflow) writes cases, their timelines, attachments, visits and
supervision notices: the rules, the row lock and the side effects live there, and a write anywhere
else would skip them.

The test walks every module of the project and finds the writes it can see: a write method called on
a guarded model's manager or queryset, on a case's related manager (`case.events.create`), or
`save()`/`delete()` on a variable holding a guarded row, or a ModelForm of a guarded model saved
without commit=False.
"""

import ast

from .project_code import imports, project_modules

COMMAND_LAYER = "casework.workflow"
# The models' own package defines their saving; migrations rewrite history, not cases.
EXEMPT = "casework.models"
GUARDED = {"Case", "Event", "Attachment", "Visit", "SupervisionNotice"}
RELATED = {"events", "attachments", "visits", "supervision_notices", "duplicates"}
ROW_NAMES = {"case", "event", "attachment", "visit", "notice", "original"}
GUARDED_FORMS = {"VisitForm"}
QUERYSET_WRITES = {
    "create",
    "update",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
ROW_WRITES = {"save", "delete"}


def _guarded_names(module, known):
    """Local names bound to a guarded model by this module's imports."""
    names = {}
    for node, targets in imports(module, known):
        if isinstance(node, ast.ImportFrom) and any(t.endswith(".models") for t in targets):
            for alias in node.names:
                if alias.name in GUARDED:
                    names[alias.asname or alias.name] = alias.name
    return names


def _root(node):
    """The name a chain of attributes and calls starts from (case.events.filter(...).update → case)."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node


def _chain(node):
    """The attribute names along the chain, outermost last."""
    names = []
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            node = node.value
    return list(reversed(names))


def writes_in(module, known):
    guarded = _guarded_names(module, known)
    forms = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            if isinstance(func, ast.Name) and func.id in GUARDED_FORMS:
                forms.update({target.id: func.id for target in node.targets if isinstance(target, ast.Name)})
    found = []
    for node in ast.walk(module.tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        receiver = node.func.value
        root = _root(receiver)
        chain = _chain(receiver)
        where = f"{module.name}:{node.lineno}"
        if method in QUERYSET_WRITES and isinstance(root, ast.Name) and root.id in guarded:
            found.append(f"{where} {guarded[root.id]}.{'.'.join(chain)}.{method}()")
        elif method in QUERYSET_WRITES and RELATED & set(chain):
            found.append(f"{where} .{'.'.join(chain)}.{method}()")
        elif method in ROW_WRITES and isinstance(receiver, ast.Name) and receiver.id in ROW_NAMES:
            found.append(f"{where} {receiver.id}.{method}()")
        elif method in ROW_WRITES and isinstance(receiver, ast.Attribute) and receiver.attr in ROW_NAMES:
            found.append(f"{where} .{receiver.attr}.{method}()")
        elif method == "save" and isinstance(receiver, ast.Name) and receiver.id in forms:
            commit = {k.arg: k.value for k in node.keywords}.get("commit")
            if not (isinstance(commit, ast.Constant) and commit.value is False):
                found.append(f"{where} {forms[receiver.id]}.save()")
    return found


def test_only_the_command_layer_writes_cases_timelines_attachments_visits_and_notices():
    modules = project_modules()
    outside = [
        module
        for name, module in modules.items()
        if not any(name == owner or name.startswith(owner + ".") for owner in (EXEMPT, COMMAND_LAYER))
    ]
    found = [write for module in outside for write in writes_in(module, modules)]
    assert found == []


def test_the_writer_check_sees_each_kind_of_write(tmp_path):
    source = """
from casework.models import Case as C, Event
from casework.forms import VisitForm

def sneak(case, visit, request):
    C.objects.filter(pk=1).update(status="closed")
    Event.objects.create(case=case)
    case.events.all().delete()
    visit.save()
    form = VisitForm(request.POST)
    form.save()
    form.save(commit=False)
    other.case.save()
"""
    from .project_code import Module

    module = Module("casework.sneaky", tmp_path / "sneaky.py", ast.parse(source))
    known = {"casework.models", "casework.forms"}
    assert [write.split(" ", 1)[1] for write in writes_in(module, known)] == [
        "Case.objects.filter.update()",
        "Event.objects.create()",
        ".events.all.delete()",
        "visit.save()",
        "VisitForm.save()",
        ".case.save()",
    ]

"""Every plan the planner can make gets words, whatever material is missing."""

from talkcure.model import Intervention, InterventionKind
from talkcure.respond.wording.templates import TemplateWording, load_templates


def test_every_kind_and_focus_can_be_worded_without_material():
    wording = TemplateWording()
    foci = {v.focus for vs in load_templates()["variants"].values() for v in vs} | {None}
    for kind in InterventionKind:
        if kind == InterventionKind.CRISIS:
            continue  # worded by the crisis protocol
        for focus in foci:
            material = {"focus": focus} if focus else {}
            plan = Intervention(kind, ["t"], material)
            text, _ = wording.word(plan, [])
            assert text and "{" not in text
            if plan.kind != kind:  # fell back, and says so in the plan
                assert plan.kind == InterventionKind.ELABORATION
                assert kind in (InterventionKind.INTERPRETATION, InterventionKind.CONFRONTATION)
                assert "open question instead" in plan.reasons[-1]

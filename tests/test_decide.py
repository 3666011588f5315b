from hypothesis import given
from hypothesis import strategies as st

from fotopoort.channels import Channel
from fotopoort.decide import (
    VoidApproval,
    consent_fingerprint,
    decide,
    decide_reviewed,
    with_assignments,
)
from fotopoort.messages.reasons import reason_text
from fotopoort.model import (
    Approval,
    Assignment,
    Box,
    ChildConsent,
    ConsentSnapshot,
    FaceResult,
    FaceStatus,
    PhotoAnalysis,
    Reason,
    ReasonCode,
    Verdict,
)

BOX = Box(10, 60, 60, 10)


def child(nr: str, *granted: Channel, group: str = "Bevers") -> ChildConsent:
    return ChildConsent(nr, f"kind{nr}", group, frozenset(granted), biometric=True)


def snapshot(*children: ChildConsent) -> ConsentSnapshot:
    return ConsentSnapshot("0" * 64, "export.csv", None, {c.child: c for c in children})


def face(status: FaceStatus, nr: str | None = None) -> FaceResult:
    return FaceResult(BOX, status, nr, 0.3 if nr else None, 50)


def verdict(
    *faces: FaceResult, consents: ConsentSnapshot, ch: Channel = Channel.WEBSITE
) -> Verdict:
    return decide(PhotoAnalysis(tuple(faces)), consents, ch).verdict


SNAP = snapshot(child("1", Channel.WEBSITE), child("2"))


def test_no_faces_is_allowed() -> None:
    decision = decide(PhotoAnalysis(()), SNAP, Channel.WEBSITE)
    assert decision.verdict is Verdict.ALLOWED
    assert decision.reasons[0].code is ReasonCode.NO_FACES


def test_identified_with_consent_is_allowed_and_says_why() -> None:
    decision = decide(PhotoAnalysis((face(FaceStatus.IDENTIFIED, "1"),)), SNAP, Channel.WEBSITE)
    assert decision.verdict is Verdict.ALLOWED
    assert decision.reasons[0].code is ReasonCode.CONSENT
    assert decision.reasons[0].child == "1"
    assert decision.reasons[0].channel is Channel.WEBSITE
    assert "kind1 (1)" in reason_text(decision.reasons[0], SNAP, "en")


def test_identified_without_consent_blocks_even_with_unknown_faces() -> None:
    faces = (face(FaceStatus.IDENTIFIED, "2"), face(FaceStatus.UNKNOWN))
    decision = decide(PhotoAnalysis(faces), SNAP, Channel.WEBSITE)
    assert decision.verdict is Verdict.BLOCKED
    codes = [r.code for r in decision.reasons]
    assert codes == [ReasonCode.NO_CONSENT, ReasonCode.UNKNOWN_FACE]
    assert decision.reasons[0].channel is Channel.WEBSITE
    assert "no consent for website" in reason_text(decision.reasons[0], SNAP, "en")


def test_unknown_ambiguous_and_small_faces_go_to_review() -> None:
    for status, code in [
        (FaceStatus.UNKNOWN, ReasonCode.UNKNOWN_FACE),
        (FaceStatus.AMBIGUOUS, ReasonCode.AMBIGUOUS_FACE),
        (FaceStatus.TOO_SMALL, ReasonCode.SMALL_FACE),
    ]:
        nr = "1" if status is FaceStatus.AMBIGUOUS else None
        decision = decide(
            PhotoAnalysis((face(FaceStatus.IDENTIFIED, "1"), face(status, nr))),
            SNAP,
            Channel.WEBSITE,
        )
        assert decision.verdict is Verdict.REVIEW
        assert decision.reasons[1].code is code


def test_unreadable_is_blocked() -> None:
    decision = decide(PhotoAnalysis((), error="truncated"), SNAP, Channel.WEBSITE)
    assert decision.verdict is Verdict.BLOCKED
    assert decision.reasons[0].code is ReasonCode.UNREADABLE


def test_identified_child_missing_from_export_is_blocked() -> None:
    assert verdict(face(FaceStatus.IDENTIFIED, "9"), consents=SNAP) is Verdict.BLOCKED


def test_group_other_stamgroep_needs_school_consent() -> None:
    own = child("1", Channel.STAMGROEP, group="Bevers")
    other_without_school = child("2", Channel.STAMGROEP, group="Vossen")
    other_with_school = child("3", Channel.SCHOOL, group="Vossen")
    snap = snapshot(own, other_without_school, other_with_school)

    def with_group(*nrs: str) -> Verdict:
        faces = tuple(face(FaceStatus.IDENTIFIED, n) for n in nrs)
        return decide(PhotoAnalysis(faces), snap, Channel.STAMGROEP, group="bevers").verdict

    assert with_group("1") is Verdict.ALLOWED
    assert with_group("1", "2") is Verdict.BLOCKED  # Vossen child lacks school consent
    assert with_group("1", "3") is Verdict.ALLOWED  # stamgroep answer not needed outside own group
    # without --group every child needs its own stamgroep answer
    faces = (face(FaceStatus.IDENTIFIED, "3"),)
    assert decide(PhotoAnalysis(faces), snap, Channel.STAMGROEP).verdict is Verdict.BLOCKED


# --- properties ----------------------------------------------------------------------------

NRS = ["1", "2", "3", "4"]
# statuses that carry a child: by the matcher, by a person (review assign), or the nearest one
NAMED = (FaceStatus.IDENTIFIED, FaceStatus.ASSIGNED, FaceStatus.AMBIGUOUS)
statuses = st.sampled_from(list(FaceStatus))
faces_strategy = st.lists(
    st.tuples(statuses, st.sampled_from(NRS)).map(
        lambda t: face(t[0], t[1] if t[0] in NAMED else None)
    ),
    max_size=5,
)
grants = st.dictionaries(st.sampled_from(NRS), st.frozensets(st.sampled_from(list(Channel))))


def snap_from(granted: dict[str, frozenset[Channel]]) -> ConsentSnapshot:
    return snapshot(*(child(n, *chs) for n, chs in granted.items()))


@given(faces=faces_strategy, granted=grants, ch=st.sampled_from(list(Channel)))
def test_allowed_only_when_every_face_is_an_identified_child_with_consent(
    faces: list[FaceResult], granted: dict[str, frozenset[Channel]], ch: Channel
) -> None:
    if verdict(*faces, consents=snap_from(granted), ch=ch) is Verdict.ALLOWED:
        for f in faces:
            if f.status is FaceStatus.NOT_A_CHILD:  # a person said so: no consent applies
                continue
            assert f.status in (FaceStatus.IDENTIFIED, FaceStatus.ASSIGNED)
            assert f.child in granted and ch in granted[f.child]


@given(
    faces=faces_strategy,
    granted=grants,
    ch=st.sampled_from(list(Channel)),
    assigned=st.dictionaries(st.integers(0, 4), st.sampled_from(NRS)),
)
def test_a_person_naming_faces_never_allows_a_child_without_consent(
    faces: list[FaceResult],
    granted: dict[str, frozenset[Channel]],
    ch: Channel,
    assigned: dict[int, str],
) -> None:
    analysis = with_assignments(
        PhotoAnalysis(tuple(faces)),
        [Assignment(i, nr, "juf") for i, nr in assigned.items() if i < len(faces)],
    )
    if decide(analysis, snap_from(granted), ch).verdict is Verdict.ALLOWED:
        for i, f in enumerate(analysis.faces):
            child = assigned.get(i, f.child)
            # a face named before (the strategy draws those too) stays named
            named = FaceStatus.ASSIGNED if i in assigned else faces[i].status
            assert f.status is named
            assert named in (FaceStatus.IDENTIFIED, FaceStatus.ASSIGNED, FaceStatus.NOT_A_CHILD)
            if named is not FaceStatus.NOT_A_CHILD:
                assert child in granted and ch in granted[child]


@given(
    faces=faces_strategy,
    granted=grants,
    ch=st.sampled_from(list(Channel)),
    withdraw=st.sampled_from(NRS),
)
def test_withdrawing_consent_never_turns_a_photo_allowed(
    faces: list[FaceResult], granted: dict[str, frozenset[Channel]], ch: Channel, withdraw: str
) -> None:
    before = verdict(*faces, consents=snap_from(granted), ch=ch)
    after_grants = dict(granted)
    after_grants[withdraw] = granted.get(withdraw, frozenset()) - {ch}
    after = verdict(*faces, consents=snap_from(after_grants), ch=ch)
    if before is not Verdict.ALLOWED:
        assert after is not Verdict.ALLOWED
    order = [Verdict.ALLOWED, Verdict.REVIEW, Verdict.BLOCKED]
    assert order.index(after) >= order.index(before)


# --- deciding with what people said: one pure function, effects returned ------------------


def approval_for(analysis: PhotoAnalysis, snap: ConsentSnapshot, void: bool = False) -> Approval:
    fingerprint = consent_fingerprint(analysis, snap, Channel.WEBSITE, None)
    return Approval(Channel.WEBSITE, "juf Anna", "een ouder", fingerprint, id=7, void=void)


IN_REVIEW = PhotoAnalysis((face(FaceStatus.IDENTIFIED, "1"), face(FaceStatus.UNKNOWN)))


def test_a_valid_approval_allows_a_photo_in_review_without_effects() -> None:
    out = decide_reviewed(IN_REVIEW, SNAP, Channel.WEBSITE, None, (), approval_for(IN_REVIEW, SNAP))
    assert out.decision.verdict is Verdict.ALLOWED
    assert out.decision.reasons[-1] == Reason(
        ReasonCode.HUMAN_APPROVED, by="juf Anna", note="een ouder"
    )
    assert out.effects == ()


def test_an_approval_a_changed_consent_broke_is_voided_as_an_effect() -> None:
    approval = approval_for(IN_REVIEW, SNAP)
    withdrawn = snapshot(child("1"), child("2"))
    out = decide_reviewed(IN_REVIEW, withdrawn, Channel.WEBSITE, None, (), approval)
    assert out.decision.verdict is Verdict.BLOCKED
    assert out.effects == (VoidApproval(7),)


def test_an_approval_void_already_is_not_voided_again_and_allows_nothing() -> None:
    approval = approval_for(IN_REVIEW, SNAP, void=True)
    out = decide_reviewed(IN_REVIEW, SNAP, Channel.WEBSITE, None, (), approval)
    assert out.decision.verdict is Verdict.REVIEW
    assert out.decision.reasons[-1].code is ReasonCode.APPROVAL_VOID
    assert out.effects == ()


def test_assignments_are_applied_before_deciding() -> None:
    out = decide_reviewed(IN_REVIEW, SNAP, Channel.WEBSITE, None, [Assignment(1, "2", "juf")])
    assert out.analysis.faces[1].status is FaceStatus.ASSIGNED
    assert out.decision.verdict is Verdict.BLOCKED  # child 2 has no website consent
    assert out.decision.reasons[1].assigned and out.decision.reasons[1].child == "2"


def test_a_file_that_cannot_be_read_ignores_what_people_said() -> None:
    broken = PhotoAnalysis((), error="truncated")
    out = decide_reviewed(broken, SNAP, Channel.WEBSITE, None, [Assignment(0, "1", "juf")])
    assert out.analysis == broken and out.decision.verdict is Verdict.BLOCKED


# --- a face a person said is not a child / not recognisable --------------------------------


def test_a_face_said_not_a_child_no_longer_waits_and_needs_no_consent() -> None:
    faces = (face(FaceStatus.IDENTIFIED, "1"), face(FaceStatus.UNKNOWN))
    said = with_assignments(PhotoAnalysis(faces), [Assignment(1, None, "juf")])
    assert said.faces[1].status is FaceStatus.NOT_A_CHILD and said.faces[1].child is None
    decision = decide(said, SNAP, Channel.WEBSITE)
    assert decision.verdict is Verdict.ALLOWED
    assert [r.code for r in decision.reasons] == [ReasonCode.CONSENT, ReasonCode.NOT_A_CHILD]
    assert decision.reasons[1].face == 1
    # ... but it lets nothing else out: another face without consent still blocks
    assert decide(said, SNAP, Channel.SCHOOL).verdict is Verdict.BLOCKED


def test_an_ambiguous_face_said_not_a_child_loses_its_nearest_child() -> None:
    faces = (face(FaceStatus.AMBIGUOUS, "2"),)
    said = with_assignments(PhotoAnalysis(faces), [Assignment(0, None, "juf")])
    assert said.faces[0].child is None  # no consent of child 2 is looked at, or needed
    assert decide(said, SNAP, Channel.WEBSITE).verdict is Verdict.ALLOWED


def test_not_a_child_never_hides_a_face_the_machine_recognises() -> None:
    """Said of a face that was unknown; a child enrolled later is recognised in it: then the
    child's consent applies again, whatever was said before."""
    faces = (face(FaceStatus.IDENTIFIED, "2"),)
    said = with_assignments(PhotoAnalysis(faces), [Assignment(0, None, "juf")])
    assert said.faces[0].status is FaceStatus.IDENTIFIED
    assert decide(said, SNAP, Channel.WEBSITE).verdict is Verdict.BLOCKED


@given(
    faces=faces_strategy,
    granted=grants,
    later=grants,
    ch=st.sampled_from(list(Channel)),
    void=st.booleans(),
)
def test_an_approval_never_allows_what_the_consents_now_block_or_a_changed_consent(
    faces: list[FaceResult],
    granted: dict[str, frozenset[Channel]],
    later: dict[str, frozenset[Channel]],
    ch: Channel,
    void: bool,
) -> None:
    analysis = PhotoAnalysis(tuple(faces))
    fingerprint = consent_fingerprint(analysis, snap_from(granted), ch, None)
    approval = Approval(ch, "juf", "", fingerprint, id=3, void=void)
    now = snap_from(later)
    out = decide_reviewed(analysis, now, ch, None, (), approval)
    plain = decide(analysis, now, ch).verdict
    if plain is Verdict.BLOCKED:
        assert out.decision.verdict is Verdict.BLOCKED
    if out.decision.verdict is Verdict.ALLOWED and plain is not Verdict.ALLOWED:
        assert not void and consent_fingerprint(analysis, now, ch, None) == fingerprint
    assert out.effects in ((), (VoidApproval(3),))


@given(
    faces=faces_strategy,
    granted=grants,
    ch=st.sampled_from(list(Channel)),
    said=st.sets(st.integers(0, 4)),
)
def test_saying_not_a_child_never_unblocks_a_recognised_child(
    faces: list[FaceResult], granted: dict[str, frozenset[Channel]], ch: Channel, said: set[int]
) -> None:
    analysis = with_assignments(
        PhotoAnalysis(tuple(faces)), [Assignment(i, None, "juf") for i in sorted(said)]
    )
    recognised_without_consent = any(
        f.status is FaceStatus.IDENTIFIED and (f.child not in granted or ch not in granted[f.child])
        for f in faces
    )
    if recognised_without_consent:
        assert decide(analysis, snap_from(granted), ch).verdict is Verdict.BLOCKED


# --- a face a person named as one child that the machine recognises as another ---------------

BOTH = snapshot(child("1", Channel.WEBSITE), child("2"), child("3", Channel.WEBSITE))


def named_as(machine: str, said: str, snap: ConsentSnapshot = BOTH) -> tuple[Verdict, Reason]:
    analysis = with_assignments(
        PhotoAnalysis((face(FaceStatus.IDENTIFIED, machine),)), [Assignment(0, said, "juf")]
    )
    decision = decide(analysis, snap, Channel.WEBSITE)
    return decision.verdict, decision.reasons[0]


def test_naming_a_recognised_child_as_one_with_consent_does_not_publish_it() -> None:
    """The machine recognises child 2 (no website consent); a person names child 1 (consent):
    before, the person's name replaced the machine's and the photo was allowed."""
    verdict_, reason = named_as("2", "1")
    assert verdict_ is Verdict.BLOCKED
    assert reason.code is ReasonCode.NO_CONSENT and reason.child == "2" and not reason.assigned


def test_naming_a_recognised_child_with_consent_as_one_without_blocks() -> None:
    verdict_, reason = named_as("1", "2")
    assert verdict_ is Verdict.BLOCKED
    assert reason.code is ReasonCode.NO_CONSENT and reason.child == "2" and reason.assigned


def test_two_children_with_consent_who_disagree_go_to_a_person() -> None:
    verdict_, reason = named_as("3", "1")
    assert verdict_ is Verdict.REVIEW
    assert reason.code is ReasonCode.NAMED_OTHER
    assert (reason.child, reason.nearest, reason.assigned) == ("1", "3", True)
    assert reason_text(reason, BOTH, "en") == (
        "face 1: kind1 (1), named by a person, but fotopoort recognises kind3 (3) (0.30): "
        "a person must look who it is"
    )
    assert "maar fotopoort herkent kind3 (3)" in reason_text(reason, BOTH, "nl")


def test_naming_the_child_the_machine_recognises_changes_nothing() -> None:
    verdict_, reason = named_as("1", "1")
    assert verdict_ is Verdict.ALLOWED and reason.code is ReasonCode.CONSENT


def test_an_approval_of_a_disagreeing_face_depends_on_both_children() -> None:
    analysis = PhotoAnalysis((face(FaceStatus.IDENTIFIED, "3"),))
    named = [Assignment(0, "1", "juf")]
    said = with_assignments(analysis, named)
    fingerprint = consent_fingerprint(said, BOTH, Channel.WEBSITE, None)
    assert fingerprint == (("1", True), ("3", True))
    approval = Approval(Channel.WEBSITE, "juf", "", fingerprint, id=4)
    out = decide_reviewed(analysis, BOTH, Channel.WEBSITE, None, named, approval)
    assert out.decision.verdict is Verdict.ALLOWED
    withdrawn = snapshot(child("1", Channel.WEBSITE), child("3"))
    out = decide_reviewed(analysis, withdrawn, Channel.WEBSITE, None, named, approval)
    assert out.decision.verdict is Verdict.BLOCKED and out.effects == (VoidApproval(4),)


@given(
    faces=faces_strategy,
    granted=grants,
    ch=st.sampled_from(list(Channel)),
    assigned=st.dictionaries(st.integers(0, 4), st.one_of(st.none(), st.sampled_from(NRS))),
)
def test_no_name_a_person_gives_unblocks_a_child_the_machine_recognises(
    faces: list[FaceResult],
    granted: dict[str, frozenset[Channel]],
    ch: Channel,
    assigned: dict[int, str | None],
) -> None:
    analysis = with_assignments(
        PhotoAnalysis(tuple(faces)),
        [Assignment(i, nr, "juf") for i, nr in assigned.items() if i < len(faces)],
    )
    if any(
        f.status is FaceStatus.IDENTIFIED and (f.child not in granted or ch not in granted[f.child])
        for f in faces
    ):
        assert decide(analysis, snap_from(granted), ch).verdict is Verdict.BLOCKED

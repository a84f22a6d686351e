"""Questionnaire version 2, as signed off by the clinic (SCORING.md, "Version 2").

PUBLISHED: never edit this file's content once a runner has answered it; a change is ``v3.py``.
``tests/unit/test_questionnaire_v2.py`` pins a content hash.

Version 2 changes the shape, not the clinical content of version 1's tests:

- **The core** (every runner, about 4 minutes, no physical test): three short pages, at most 15
  questions and 700 words in all (counted by a test from this definition). The pain scale is a
  0-10 tap scale. The safety check asks the emergency and urgent signs as one list and the soft
  signs as another, each with "None of these".
- **Four optional modules**, one per driver, each one page of about 2-3 minutes, answered alone
  and in any order, before or after booking: the version 1 items of that driver with unchanged
  points (movement also has cadence, crossover and overstriding). Each self-test names its
  illustration and, when timed, its timer.

LinkIds and option codes are version 1's wherever the item is the same, so the scoring
vocabulary (reasons, computed items, flag codes) carries over. The emergency and urgent list
keeps version 1's ``safety_emergency`` linkId, so any caller of ``scoring.safety_flags`` sees
every red sign of a version 2 answer set too. The soft list also holds the bone-stress signs;
``assessments/scoring_v2.py`` reads them from it.
"""

from __future__ import annotations

import datetime

from .model import (
    Condition,
    Module,
    Option,
    Question,
    Questionnaire,
    SelfTest,
    Step,
    Timer,
)

HIP = "hip_mobility"
STRENGTH = "strength_balance"
PELVIS = "pelvic_position"
TECHNIQUE = "movement_technique"
LOAD = "training_load"

NOT_SURE_LABEL = "Not sure / didn't try"
HOME_TEST_NOTE = (
    "Home tests are observations for your clinician, not a diagnosis. Skip any that hurts."
)


def _not_sure(label: str = NOT_SURE_LABEL, *, exclusive: bool = False) -> Option:
    """ "Not sure / didn't try": 0 points and counts as unanswered."""
    return Option("not_sure", label, unknown=True, exclusive=exclusive)


def _none_of_these(label: str = "None of these") -> Option:
    return Option("none", label, exclusive=True)


YES = Option("yes", "Yes")
NO = Option("no", "No")


# == the core =====================================================================================

YOUR_RUNNING = Step(
    slug="your-running",
    title="Your running",
    intro="A recent change in training is the most common trigger of IT band pain.",
    questions=(
        Question(
            link_id="age_band",
            text="How old are you?",
            kind="single",
            options=(
                Option("under_18", "Under 18"),
                Option("18_to_34", "18 to 34"),
                Option("35_to_54", "35 to 54"),
                Option("55_plus", "55 or older"),
            ),
            help_text="Under 18: a parent or guardian gives consent when you book.",
        ),
        Question(
            link_id="distance_change",
            text="Your weekly distance, compared with a month ago:",
            kind="single",
            options=(
                Option("about_same", "About the same"),
                Option("down", "Down"),
                Option("up_10_to_30", "Up 10 to 30%", {LOAD: 1}),
                Option(
                    "up_over_30",
                    "Up more than 30%, or you just started or came back",
                    {LOAD: 3},
                ),
            ),
        ),
        Question(
            link_id="terrain",
            text="Lately, have you run any of these?",
            kind="multiple",
            options=(
                Option("more_downhill", "More downhill than before", {LOAD: 2}),
                Option(
                    "camber_or_track",
                    "Roads sloping to one side, always the same side, or a track, always the "
                    "same direction",
                    {LOAD: 1},
                ),
                _none_of_these(),
            ),
        ),
        Question(
            link_id="shoes_mileage",
            text="How far have your main running shoes gone?",
            kind="single",
            options=(
                Option("under_300_mi", "Under 300 miles (500 km)"),
                Option("300_to_500_mi", "300 to 500 miles"),
                Option("over_500_mi", "Over 500 miles (800 km)", {LOAD: 1}),
                _not_sure("Not sure"),
            ),
        ),
        Question(
            link_id="strength_training",
            text="How often do you do strength training?",
            kind="single",
            options=(
                Option("never", "Never or rarely", {STRENGTH: 1}),
                Option("once_a_week", "About once a week", {STRENGTH: 0.5}),
                Option("twice_or_more", "Twice a week or more"),
            ),
        ),
        Question(
            link_id="sitting_hours",
            text="How many hours a day do you sit (work, driving, sofa)?",
            kind="single",
            options=(
                Option("under_6", "Under 6"),
                Option("6_or_more", "6 or more", {HIP: 1}),
            ),
        ),
    ),
)


YOUR_PAIN = Step(
    slug="your-pain",
    title="Your pain",
    intro="Where it hurts and how it behaves show whether it fits the usual IT band pattern.",
    questions=(
        Question(
            link_id="pain_location",
            text="Where do you feel it? Choose all that apply.",
            kind="multiple",
            options=(
                Option("outside_knee", "Outside of the knee"),
                Option("outer_thigh", "Outer thigh"),
                Option("outside_hip", "Outside of the hip"),
                Option("front_knee", "Front of the knee"),
                Option("inside_knee", "Inside of the knee"),
                Option("back_knee", "Back of the knee"),
                Option("elsewhere", "Elsewhere"),
            ),
            help_text=(
                "IT band pain is usually on the outside of the knee, a couple of finger-widths "
                "above the joint line."
            ),
        ),
        Question(
            link_id="pain_side",
            text="Which side?",
            kind="single",
            options=(
                Option("left", "Left"),
                Option("right", "Right"),
                Option("both", "Both"),
            ),
        ),
        Question(
            link_id="pain_onset",
            text="When does it start?",
            kind="single",
            options=(
                Option("into_run", "At a predictable time or distance into a run"),
                Option("first_step", "From the first steps"),
                Option("at_rest", "At rest or at night"),
                Option("after_runs", "Only after runs"),
            ),
        ),
        Question(
            link_id="pain_downhill",
            text="Is it worse running downhill or going down stairs?",
            kind="single",
            options=(YES, NO, _not_sure("Not sure")),
        ),
        Question(
            link_id="pain_duration",
            text="How long have you had it?",
            kind="single",
            options=(
                Option("under_2_weeks", "Under 2 weeks"),
                Option("2_to_6_weeks", "2 to 6 weeks"),
                Option("6_weeks_to_3_months", "6 weeks to 3 months"),
                Option("over_3_months", "Over 3 months"),
            ),
        ),
        Question(
            link_id="pain_worst",
            text="At its worst, how bad is it?",
            kind="scale",
            min_value=0,
            max_value=10,
            low_label="No pain",
            high_label="Worst imaginable",
        ),
        Question(
            link_id="tried",
            text="What have you tried, and did it help? Choose all that apply.",
            kind="multiple",
            # Tried and helped in one item keeps the core at 15 questions; the result explains
            # foam rolling only to runners who tried it.
            options=(
                Option("foam_rolling_helped", "Foam rolling: it helped"),
                Option("foam_rolling_little", "Foam rolling: little or brief relief"),
                Option("stretching_helped", "Stretching: it helped"),
                Option("stretching_little", "Stretching: little or brief relief"),
                Option("rest_helped", "Rest from running: it helped"),
                Option("rest_little", "Rest from running: little or brief relief"),
                _none_of_these("Nothing yet"),
            ),
        ),
    ),
)


SAFETY_CHECK = Step(
    slug="safety-check",
    title="Safety check",
    intro="Some problems need a doctor first. If one applies, we stop and say where to go.",
    questions=(
        Question(
            # Version 1's linkId: every reader of the red signs finds them here (module doc).
            link_id="safety_emergency",
            text="Do any of these apply now?",
            kind="multiple",
            options=(
                Option("calf_clot", "Pain, swelling or warmth in the calf"),
                Option("chest_breathless", "Chest pain or shortness of breath"),
                Option("joint_infection", "A hot, swollen knee with a fever or feeling unwell"),
                Option("cold_foot", "A foot that is cold, pale or numb"),
                Option(
                    "saddle_numbness",
                    "Numbness between the legs or around the bottom, or new bladder or bowel "
                    "problems",
                ),
                Option(
                    "cannot_bear_weight", "After a fall, twist or knock: you can't take four steps"
                ),
                Option("cannot_bend_90", "After an injury: you can't bend the knee to 90\u00b0"),
                Option("swelling_2h", "The knee swelled within 2 hours of an injury"),
                Option("ottawa_age", "A recent knee injury, and you are 55 or older"),
                Option("knee_locked", "The knee is locked and won't straighten"),
                Option("new_numbness", "New numbness, tingling or weakness in the leg"),
                _none_of_these(),
            ),
        ),
        Question(
            link_id="safety_soft",
            text="Do any of these apply?",
            kind="multiple",
            options=(
                Option("night_or_constant_pain", "Night or constant pain that rest doesn't ease"),
                Option("weight_loss", "Weight loss you can't explain"),
                Option("cancer_history", "Cancer, now or in the past"),
                Option("giving_way", "The knee gives way"),
                Option("bone_pain_one_spot", "Pain in one spot on a bone"),
                Option("hop_pain", "Hopping on that leg hurts (don't try if walking hurts)"),
                Option("after_training_jump", "It began soon after a big jump in training"),
                Option(
                    "low_energy",
                    "Missed or irregular periods, or eating less than your training needs",
                ),
                _none_of_these(),
            ),
        ),
    ),
)


# == the modules ==================================================================================

HIP_MOBILITY = Step(
    slug="hip-mobility",
    title="Hip mobility",
    intro="Stiff hips make the TFL, which pulls on the IT band, work harder. " + HOME_TEST_NOTE,
    questions=(
        Question(
            link_id="thomas_test",
            text="Thomas test, painful leg hanging: what did you see? Choose all that apply.",
            kind="multiple",
            options=(
                Option("thigh_lifts", "The back of my thigh lifted off the bed", {HIP: 2}),
                Option("thigh_drifts_out", "My thigh drifted outward", {HIP: 2}),
                Option(
                    "knee_straightens",
                    "My knee straightened instead of staying bent at about a right angle",
                    {HIP: 1},
                ),
                _none_of_these("None of these: thigh flat and in line, knee bent"),
                _not_sure(exclusive=True),
            ),
            self_test=SelfTest(
                how=(
                    "Sit on the end of a sturdy bed. Hug your pain-free knee to your chest and "
                    "roll onto your back. Let the painful leg hang over the edge, relaxed. Check "
                    "in a mirror, or take a photo from the side."
                ),
                look_for=(
                    "Does the back of the thigh lift off the bed? Does the thigh drift outward? "
                    "Does the knee straighten instead of hanging bent?"
                ),
                safety=(
                    "Get on and off slowly. Skip it after a hip replacement, or if it hurts your "
                    "hip or back."
                ),
                illustration="thomas-test",
            ),
        ),
        Question(
            link_id="hip_rotation",
            text="Seated hip rotation: how far does the painful hip turn compared with the other?",
            kind="single",
            options=(
                Option("about_same", "About the same"),
                Option("less_painful_side", "Clearly less on the painful side", {HIP: 2}),
                Option("less_other_side", "Less on the other side"),
                _not_sure(),
            ),
            self_test=SelfTest(
                how=(
                    "Sit tall on a chair, knees at a right angle. Keep the thigh still and swing "
                    "the lower leg out, then in, like a windscreen wiper. Do both legs."
                ),
                look_for="Does the painful side turn clearly less, either way?",
                safety="Move slowly and stop at the first pinch; don't force it.",
                illustration="hip-rotation",
            ),
        ),
        Question(
            link_id="deep_squat",
            text="Deep squat: what happens on the way down?",
            kind="single",
            options=(
                Option("comfortable", "I reach parallel with my heels down and no pinch"),
                Option(
                    "heels_or_pinch",
                    "My heels lift, or the front of my hip pinches, before my thighs are "
                    "parallel to the floor",
                    {HIP: 1},
                ),
                _not_sure(),
            ),
            self_test=SelfTest(
                how=(
                    "Feet shoulder-width apart, toes turned out a little: squat slowly as low "
                    "as is comfortable."
                ),
                look_for=(
                    "Do your heels lift, or does the front of the hip pinch, before your thighs "
                    "are parallel to the floor?"
                ),
                safety="Hold a door frame or counter. Don't push into pain.",
                illustration="deep-squat",
            ),
        ),
    ),
)


STRENGTH_BALANCE = Step(
    slug="strength-balance",
    title="Strength balance",
    intro=(
        "When the glutes tire, the TFL at the front of the hip takes over and pulls on the IT "
        "band. " + HOME_TEST_NOTE
    ),
    questions=(
        Question(
            link_id="side_plank",
            text="Side plank: did you try it on both sides?",
            kind="single",
            options=(
                Option("held", "Yes, I held it on both sides (enter the times next)"),
                Option("could_not_hold", "I tried, but couldn't hold the position", {STRENGTH: 3}),
                _not_sure(),
            ),
            self_test=SelfTest(
                how=(
                    "Lie on your side, elbow under the shoulder, legs straight and feet stacked. "
                    "Lift your hips into a straight line from head to feet and start the timer. "
                    "Rest, then do the other side."
                ),
                look_for=(
                    "Stop the timer when your hips sag. Healthy adults commonly hold about a "
                    "minute."
                ),
                safety="Skip it with shoulder pain. Stop if your knee, hip or back hurts.",
                illustration="side-plank",
                timer=Timer("stopwatch", fills=("side_plank_left", "side_plank_right")),
            ),
        ),
        Question(
            link_id="side_plank_left",
            text="Left side (left elbow down): how many seconds?",
            kind="integer",
            min_value=0,
            max_value=600,
            unit="seconds",
            enable_when=(Condition("side_plank", "in", ("held",)),),
        ),
        Question(
            link_id="side_plank_right",
            text="Right side (right elbow down): how many seconds?",
            kind="integer",
            min_value=0,
            max_value=600,
            unit="seconds",
            enable_when=(Condition("side_plank", "in", ("held",)),),
        ),
        Question(
            link_id="single_leg_stance",
            text="Standing 30 seconds on the painful leg: what does the opposite hip do?",
            kind="single",
            options=(
                Option("stays_level", "It stays level"),
                Option("opposite_hip_drops", "It drops", {STRENGTH: 3}),
                Option("could_not_balance", "I couldn't balance for 30 seconds", unknown=True),
                _not_sure(),
            ),
            self_test=SelfTest(
                how=(
                    "Face a mirror with your hands on the bony points at the front of your "
                    "hips. Lift the pain-free foot and start the 30-second timer."
                ),
                look_for="Does the hip on the lifted-leg side drop lower than the other?",
                safety="Stand next to a wall or counter to steady yourself.",
                illustration="single-leg-stance",
                timer=Timer("countdown", seconds=30),
            ),
        ),
        Question(
            link_id="side_lying_leg_raise",
            text="Side-lying leg raise, painful leg on top: what happens?",
            kind="single",
            options=(
                Option("smooth", "The leg lifts smoothly and stays in line with my body"),
                Option(
                    "tfl_takes_over",
                    "The front of my hip cramps, or the leg drifts forward or my pelvis rolls back",
                    {STRENGTH: 2},
                ),
                _not_sure(),
            ),
            self_test=SelfTest(
                how=(
                    "Lie on your pain-free side, back and heels against a wall, bottom knee "
                    "bent. Slide the top heel up the wall about a foot (30 cm), slowly, 10 times."
                ),
                look_for=(
                    "A cramp at the front of the hip rather than the side? Does the leg drift "
                    "forward off the wall, or your pelvis roll back?"
                ),
                safety="Move slowly and stop if it hurts.",
                illustration="side-lying-leg-raise",
            ),
        ),
        Question(
            link_id="single_leg_bridge",
            text="Single-leg bridge on the painful leg: what happens?",
            kind="single",
            options=(
                Option("steady", "My hips stay level and I feel it in my buttock"),
                Option("hips_drop_or_twist", "My hips drop or twist"),
                Option("hamstring_cramps", "The back of my thigh cramps"),
                _not_sure(),
            ),
            help_text="An observation for your clinician; it does not change your scores.",
            self_test=SelfTest(
                how=(
                    "On your back, knees bent, feet flat. Lift the pain-free foot and push "
                    "through the other heel to raise your hips, slowly, 10 times."
                ),
                look_for="Do your hips stay level? Where do you feel it working?",
                safety="Stop if it hurts your knee or back.",
                illustration="single-leg-bridge",
            ),
        ),
    ),
)


PELVIC_POSITION = Step(
    slug="pelvic-position",
    title="Pelvic position",
    intro=(
        "A pelvis tipped forward changes how the glutes and TFL work. These checks are rough; "
        "your clinician will look properly. " + HOME_TEST_NOTE
    ),
    questions=(
        Question(
            link_id="standing_posture",
            text="Standing, seen from the side: how does your posture look?",
            kind="single",
            options=(
                Option("neutral", "Belt line about level, a moderate curve in the low back"),
                Option(
                    "tips_forward",
                    "Belt line tips forward, with a large arch in the low back",
                    {PELVIS: 1},
                ),
                _not_sure(),
            ),
            self_test=SelfTest(
                how="Stand relaxed, side-on to a mirror, in fitted clothes with a visible waistband.",
                look_for="Does your belt line tip down at the front, with a large arch in your low back?",
                safety="Stand as you normally do; nothing to push or hold.",
                illustration="standing-posture",
            ),
        ),
        Question(
            link_id="wall_test",
            text="Wall test: how much space is there behind your low back?",
            kind="single",
            options=(
                Option("flat_hand_or_less", "A flat hand or less"),
                Option("more_than_flat_hand", "More than a flat hand", {PELVIS: 1}),
                _not_sure(),
            ),
            self_test=SelfTest(
                how=(
                    "Heels about 2 inches (5 cm) from a wall, buttocks and shoulder blades "
                    "touching it. Slide a flat hand into the gap behind your low back."
                ),
                look_for="Is there more room than a flat hand, say a fist fits?",
                safety="Stand normally; don't force your back flat.",
                illustration="wall-test",
            ),
        ),
        Question(
            link_id="rib_flare",
            text="Do your lower ribs flare forward?",
            kind="single",
            options=(
                Option("no", "No"),
                Option("yes", "Yes", {PELVIS: 1}),
                _not_sure(),
            ),
            self_test=SelfTest(
                how="Stand side-on to a mirror, top tucked in, arms relaxed, breathing normally.",
                look_for="Do the lowest ribs at the front stick out past your upper belly?",
                safety="Breathe normally; nothing to push or hold.",
                illustration="rib-flare",
            ),
        ),
        Question(
            link_id="low_back_after_runs",
            text="Is your low back tight or sore after runs?",
            kind="single",
            options=(
                Option("no", "No"),
                Option("yes", "Yes", {PELVIS: 1}),
            ),
        ),
    ),
)


MOVEMENT_TECHNIQUE = Step(
    slug="movement-technique",
    title="Movement and running technique",
    intro=(
        "How you move in a squat and on the run changes the load on the IT band. "
        "\u201cDon't know\u201d is a fine answer: a gait analysis at the clinic will show it."
    ),
    questions=(
        Question(
            link_id="single_leg_squat",
            text="Single-leg squat on the painful leg, facing a mirror: what did you see? "
            "Choose all that apply.",
            kind="multiple",
            options=(
                Option("knee_dives_in", "My knee dives inward", {TECHNIQUE: 2}),
                Option("hip_drops", "The opposite hip drops", {TECHNIQUE: 1, STRENGTH: 1}),
                Option("trunk_leans", "My body leans to the side", {TECHNIQUE: 1}),
                _none_of_these("None of these: knee over my toes, hips level, body upright"),
                _not_sure(exclusive=True),
            ),
            self_test=SelfTest(
                how=(
                    "Face a mirror and stand on the painful leg (or on a low step). Bend the "
                    "knee slowly as far as is comfortable and come back up, 5 times."
                ),
                look_for=(
                    "Does the knee dive inward past your big toe? Does the opposite hip drop? "
                    "Does your body lean to the side?"
                ),
                safety="Hold a counter, and only go as deep as is pain-free.",
                illustration="single-leg-squat",
            ),
        ),
        Question(
            link_id="cadence_known",
            text="Do you know your cadence (steps per minute) on easy runs?",
            kind="single",
            options=(
                Option("yes", "Yes"),
                _not_sure("No / don't know"),
            ),
            help_text=(
                "Many watches show it. Or count your right foot landing for 30 seconds on an "
                "easy run and multiply by 4."
            ),
        ),
        Question(
            link_id="cadence",
            text="Your usual cadence on easy runs",
            kind="integer",
            min_value=100,
            max_value=250,
            unit="steps per minute",
            enable_when=(Condition("cadence_known", "in", ("yes",)),),
        ),
        Question(
            link_id="crossover",
            text="When you run, do your feet land close to or across the midline, as if on a "
            "tightrope?",
            kind="single",
            options=(
                Option("yes_video", "Yes, seen on video from behind", {TECHNIQUE: 2}),
                Option("yes_told", "Yes, a coach or someone else told me", {TECHNIQUE: 2}),
                Option("no", "No, my feet land about under my hips (seen on video or told)"),
                _not_sure("Don't know"),
            ),
            self_test=SelfTest(
                how=(
                    "Film 10 to 20 seconds of easy running from behind: a phone propped behind "
                    "a treadmill, or a friend on a flat path. Play it back slowly."
                ),
                look_for=(
                    "Do your feet land on or across a line down the middle, instead of under "
                    "each hip?"
                ),
                safety="Film on a flat, safe surface away from traffic.",
                illustration="run-from-behind",
            ),
        ),
        Question(
            link_id="overstriding",
            text="Do you overstride (your foot lands well ahead of your body) or land heavily "
            "on your heel?",
            kind="single",
            options=(
                Option("yes_video", "Yes, seen on video from the side", {TECHNIQUE: 1}),
                Option("yes_told", "Yes, a coach or someone else told me", {TECHNIQUE: 1}),
                Option("no", "No (seen on video or told)"),
                _not_sure("Don't know"),
            ),
            self_test=SelfTest(
                how=(
                    "Film 10 to 20 seconds of easy running from the side: a phone propped "
                    "beside a treadmill, or a friend. Play it back slowly."
                ),
                look_for=(
                    "At touchdown, is your foot well ahead of your knee and hips, with a "
                    "straight knee and a hard heel landing?"
                ),
                safety="Film on a flat, safe surface away from traffic.",
                illustration="run-from-side",
            ),
        ),
    ),
)


QUESTIONNAIRE_V2 = Questionnaire(
    version="2",
    title="IT band self-assessment for runners",
    signed_off_by="Dr. Dana Cohen, PT, DPT (demo)",
    signed_off_on=datetime.date(2026, 12, 2),
    steps=(
        YOUR_RUNNING,
        YOUR_PAIN,
        SAFETY_CHECK,
        HIP_MOBILITY,
        STRENGTH_BALANCE,
        PELVIC_POSITION,
        MOVEMENT_TECHNIQUE,
    ),
    modules=(
        Module(
            key="hip-mobility",
            title="Hip mobility",
            intro="Three checks of how freely your hips move: a bed, a chair and a mirror.",
            driver=HIP,
            steps=("hip-mobility",),
            minutes=3,
        ),
        Module(
            key="strength-balance",
            title="Strength balance",
            intro="Four checks of the muscles around your hip, two of them timed: a mirror, "
            "a wall and some floor space.",
            driver=STRENGTH,
            steps=("strength-balance",),
            # Two side planks of up to a minute each, then rest: timed walks took 4-5 minutes.
            minutes=5,
        ),
        Module(
            key="pelvic-position",
            title="Pelvic position",
            intro="Three quick posture checks with a mirror and a wall, and one question.",
            driver=PELVIS,
            steps=("pelvic-position",),
            minutes=2,
        ),
        Module(
            key="movement-technique",
            title="Movement and running technique",
            intro="A single-leg squat at a mirror, your cadence, and how you land, from a phone "
            "video or what a coach told you.",
            driver=TECHNIQUE,
            steps=("movement-technique",),
            minutes=3,
        ),
    ),
)

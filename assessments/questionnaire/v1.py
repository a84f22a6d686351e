"""Questionnaire version 1, as signed off by the clinic.

PUBLISHED: never edit this file's content. Submissions answered on version 1 are re-read against
it for ever; a change in wording, options, points or rules is a new module (``v2.py``) signed off
by a named clinician. ``tests/unit/test_questionnaire.py`` pins a content hash to enforce this.

Points follow SCORING.md (rubric v1). Numeric thresholds (side-plank seconds, the difference
between sides, cadence) live in ``assessments/scoring.py`` because they are computed, not picked.
"""

from __future__ import annotations

import datetime

from .model import Condition, Option, Question, Questionnaire, SelfTest, Step

HIP = "hip_mobility"
STRENGTH = "strength_balance"
PELVIS = "pelvic_position"
TECHNIQUE = "movement_technique"
LOAD = "training_load"

NOT_SURE_LABEL = "Not sure / didn't try"


def _not_sure(label: str = NOT_SURE_LABEL, *, exclusive: bool = False) -> Option:
    """The "Not sure / didn't try" answer: 0 points and counts as unanswered for confidence."""
    return Option("not_sure", label, unknown=True, exclusive=exclusive)


def _none_of_these(label: str = "None of these") -> Option:
    return Option("none", label, exclusive=True)


YES = Option("yes", "Yes")
NO = Option("no", "No")


ABOUT_YOU = Step(
    slug="about-you",
    title="About you and your running",
    intro=(
        "A few facts about you and your training. A recent change in training is the most "
        "common trigger for IT band pain, so we ask about the last four weeks in particular."
    ),
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
            help_text=(
                "Runners under 18 are welcome: a parent or guardian gives their name, contact "
                "details and consent when you book."
            ),
        ),
        Question(
            link_id="sex",
            text="What is your sex?",
            kind="single",
            required=False,
            options=(
                Option("female", "Female"),
                Option("male", "Male"),
                Option("another", "Another term / intersex"),
                Option("prefer_not_to_say", "Prefer not to say"),
            ),
            help_text=(
                "Optional. It helps your clinician read some answers, such as those about "
                "periods and bone health."
            ),
        ),
        Question(
            link_id="weekly_distance",
            text="How far do you usually run in a week?",
            kind="single",
            options=(
                Option("under_10_mi", "Under 10 miles (16 km)"),
                Option("10_to_20_mi", "10 to 20 miles (16 to 32 km)"),
                Option("20_to_35_mi", "20 to 35 miles (32 to 56 km)"),
                Option("35_to_50_mi", "35 to 50 miles (56 to 80 km)"),
                Option("over_50_mi", "More than 50 miles (80 km)"),
            ),
        ),
        Question(
            link_id="distance_change",
            text="How has your weekly distance changed over the last 4 weeks?",
            kind="single",
            options=(
                Option(
                    "up_over_30",
                    "Up by more than 30% (for example from 20 to more than 26 miles a week)",
                    {LOAD: 3},
                ),
                Option("up_10_to_30", "Up by 10 to 30%", {LOAD: 1}),
                Option("about_same", "About the same (within 10%)"),
                Option("down", "Down"),
            ),
            help_text=(
                "If you have just started running, or came back after a break, count it as up "
                "by more than 30%."
            ),
        ),
        Question(
            link_id="longest_run",
            text="What was your longest run in the last 4 weeks?",
            kind="single",
            options=(
                Option("up_to_5k", "Up to 5 km (3 miles)"),
                Option("5k_to_10k", "5 to 10 km (3 to 6 miles)"),
                Option("10k_to_half", "10 km to a half marathon (6 to 13 miles)"),
                Option("half_to_marathon", "Half marathon to marathon (13 to 26 miles)"),
                Option("over_marathon", "Longer than a marathon"),
            ),
        ),
        Question(
            link_id="terrain",
            text="Where have you been running lately? Choose all that apply.",
            kind="multiple",
            options=(
                Option(
                    "more_downhill",
                    "New or more downhill running (hills, trail descents)",
                    {LOAD: 2},
                ),
                Option(
                    "camber_or_track",
                    "Roads that slope to one side, always on the same side, or a track, "
                    "always in the same direction",
                    {LOAD: 1},
                ),
                Option("flat_roads", "Mostly flat roads or paths"),
                Option("trails", "Trails"),
                Option("treadmill", "Treadmill"),
            ),
        ),
        Question(
            link_id="years_running",
            text="How long have you been running regularly?",
            kind="single",
            options=(
                Option("under_1_year", "Less than a year"),
                Option("1_to_3_years", "1 to 3 years"),
                Option("3_to_10_years", "3 to 10 years"),
                Option("over_10_years", "More than 10 years"),
            ),
        ),
        Question(
            link_id="shoes_mileage",
            text="How far have you run in your current main pair of running shoes?",
            kind="single",
            options=(
                Option("under_300_mi", "Less than 300 miles (500 km)"),
                Option("300_to_500_mi", "300 to 500 miles (500 to 800 km)"),
                Option("over_500_mi", "More than 500 miles (800 km)", {LOAD: 1}),
                _not_sure("Not sure"),
            ),
        ),
        Question(
            link_id="next_race",
            text="When is your next race?",
            kind="single",
            required=False,
            options=(
                Option("none_planned", "No race planned"),
                Option("within_4_weeks", "Within 4 weeks"),
                Option("1_to_3_months", "In 1 to 3 months"),
                Option("over_3_months", "More than 3 months away"),
            ),
            help_text="Optional. It helps your clinician plan around your race.",
        ),
        Question(
            link_id="next_race_name",
            text="Which race, and what distance?",
            kind="text",
            required=False,
            max_length=200,
            enable_when=(
                Condition("next_race", "in", ("within_4_weeks", "1_to_3_months", "over_3_months")),
            ),
        ),
    ),
)


YOUR_PAIN = Step(
    slug="your-pain",
    title="Your pain",
    intro=(
        "Where it hurts and how it behaves tell us whether your pain fits the usual IT band "
        "pattern, or whether something else may be going on."
    ),
    questions=(
        Question(
            link_id="pain_location",
            text="Where do you feel the pain? Choose all that apply.",
            kind="multiple",
            options=(
                Option("outside_knee", "Outside of the knee"),
                Option("outer_thigh_hip", "Outer thigh or outside of the hip"),
                Option("front_knee", "Front of the knee (around or behind the kneecap)"),
                Option("inside_knee", "Inside of the knee"),
                Option("back_knee", "Back of the knee"),
                _not_sure("Not sure / hard to point to", exclusive=True),
            ),
            help_text=(
                "IT band pain is usually felt on the outside of the knee, a couple of "
                "finger-widths above the joint line, and can spread up the outer thigh."
            ),
        ),
        Question(
            link_id="pain_side",
            text="Which side hurts?",
            kind="single",
            options=(
                Option("left", "Left"),
                Option("right", "Right"),
                Option("both", "Both"),
            ),
        ),
        Question(
            link_id="pain_onset",
            text="How does the pain start?",
            kind="single",
            options=(
                Option("into_run", "At a fairly predictable time or distance into a run"),
                Option("first_step", "From the first steps of a run"),
                Option("constant", "It is there most of the time, running or not"),
                Option("unrelated", "It isn't connected to running"),
            ),
        ),
        Question(
            link_id="pain_downhill",
            text="Is it worse running downhill or going down stairs?",
            kind="single",
            options=(YES, NO, _not_sure("Not sure")),
        ),
        Question(
            link_id="pain_worst",
            text="At its worst, how bad is the pain?",
            kind="integer",
            min_value=0,
            max_value=10,
            unit="out of 10",
            help_text="0 means no pain and 10 the worst pain you can imagine.",
        ),
        Question(
            link_id="pain_rest",
            text="And at rest, how bad is it?",
            kind="integer",
            min_value=0,
            max_value=10,
            unit="out of 10",
            help_text="0 means no pain and 10 the worst pain you can imagine.",
        ),
        Question(
            link_id="pain_duration",
            text="How long have you had this pain?",
            kind="single",
            options=(
                Option("under_2_weeks", "Less than 2 weeks"),
                Option("2_to_6_weeks", "2 to 6 weeks"),
                Option("6_weeks_to_3_months", "6 weeks to 3 months"),
                Option("over_3_months", "More than 3 months"),
            ),
        ),
        Question(
            link_id="tried",
            text="What have you tried for it? Choose all that apply.",
            kind="multiple",
            options=(
                Option("foam_rolling", "Foam rolling"),
                Option("stretching", "Stretching"),
                Option("rest", "Rest from running"),
                Option("other", "Something else"),
                _none_of_these("Nothing yet"),
            ),
        ),
        Question(
            link_id="tried_other",
            text="What else have you tried?",
            kind="text",
            required=False,
            max_length=300,
            enable_when=(Condition("tried", "in", ("other",)),),
        ),
        Question(
            link_id="tried_helped",
            text="Did it help?",
            kind="single",
            options=(
                Option("no", "No, not really"),
                Option("short_term", "A little, but only for a short while"),
                Option("yes", "Yes, clearly"),
            ),
            help_text=(
                "If foam rolling or stretching gave only short relief, that is common: the IT "
                "band is tough connective tissue that doesn't stretch, so the cause usually lies "
                "in the muscles around it."
            ),
            enable_when=(
                Condition("tried", "in", ("foam_rolling", "stretching", "rest", "other")),
            ),
        ),
    ),
)


SAFETY_CHECK = Step(
    slug="safety-check",
    title="Safety check",
    intro=(
        "These questions look for problems that need a doctor sooner than a physical therapy "
        "visit. If one applies, your result will say where to go."
    ),
    questions=(
        Question(
            link_id="safety_emergency",
            text="Do you have any of these right now?",
            kind="multiple",
            options=(
                Option("calf_clot", "Pain, swelling or warmth in the calf"),
                Option("chest_breathless", "Chest pain or shortness of breath"),
                Option("joint_infection", "A hot, swollen knee with a fever or feeling unwell"),
                Option("cold_foot", "A foot that is cold, pale or numb"),
                Option(
                    "saddle_numbness",
                    "Numbness between the legs or around the bottom (the 'saddle' area), or "
                    "new problems controlling your bladder or bowels",
                ),
                _none_of_these(),
            ),
            help_text=(
                "If any of these apply, don't wait: go to an emergency department now, and "
                "with chest pain or shortness of breath call 911."
            ),
        ),
        Question(
            link_id="injury",
            text="Did this pain start with an injury, such as a fall, a twist or a knock?",
            kind="single",
            options=(YES, NO),
        ),
        Question(
            link_id="injury_signs",
            text="Since the injury, do any of these apply?",
            kind="multiple",
            options=(
                Option("cannot_bear_weight", "I can't take four steps on that leg, even limping"),
                Option("cannot_bend_90", "I can't bend the knee to a right angle (90\u00b0)"),
                Option("swelling_2h", "The knee swelled up within 2 hours of the injury"),
                _none_of_these(),
            ),
            enable_when=(Condition("injury", "in", ("yes",)),),
        ),
        Question(
            link_id="safety_urgent",
            text="Do you have any of these?",
            kind="multiple",
            options=(
                Option("knee_locked", "The knee is locked: stuck, and it won't straighten"),
                Option("new_numbness", "New numbness, tingling or weakness in the leg"),
                _none_of_these(),
            ),
        ),
        Question(
            link_id="safety_soft",
            text="Do any of these apply to you?",
            kind="multiple",
            options=(
                Option(
                    "night_or_constant_pain",
                    "Pain at night, or constant pain, that rest or changing position doesn't ease",
                ),
                Option("weight_loss", "Weight loss you can't explain"),
                Option("cancer_history", "Cancer, now or in the past"),
                Option("giving_way", "The knee gives way"),
                _none_of_these(),
            ),
        ),
        Question(
            link_id="bone_stress",
            text="Bone check: do any of these apply?",
            kind="multiple",
            options=(
                Option(
                    "bone_pain_one_spot",
                    "Pain in one spot on a bone that you can point to with one finger",
                ),
                Option(
                    "hop_pain",
                    "Hopping on that leg hurts (don't try it if walking already hurts)",
                ),
                Option("after_training_jump", "The pain began soon after a big jump in training"),
                Option(
                    "low_energy",
                    "Missed or irregular periods, or often eating less than your training needs",
                ),
                _none_of_these(),
            ),
            help_text=(
                "These can be signs of a bone stress injury, which needs a different plan from "
                "IT band pain."
            ),
        ),
    ),
)


HIP_MOBILITY = Step(
    slug="hip-mobility",
    title="Hip mobility",
    intro=(
        "If your hips don't move well, the muscles around them, including the TFL that pulls "
        "on the IT band, make up for it. These home tests are observations for your clinician, "
        "not a diagnosis. Skip any test that hurts."
    ),
    questions=(
        Question(
            link_id="thomas_test",
            text="Modified Thomas test, painful leg hanging: what did you see? "
            "Choose all that apply.",
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
                    "Sit at the very end of a sturdy bed or table. Hug the knee of your "
                    "pain-free leg to your chest and roll back onto your back, still hugging it. "
                    "Let the painful leg hang over the edge and relax it. Ask someone to take a "
                    "photo from the side, or use a mirror."
                ),
                look_for=(
                    "Does the back of the hanging thigh lift off the bed? Does the thigh drift "
                    "outward? Does the knee straighten instead of hanging bent at about a right "
                    "angle?"
                ),
                safety=(
                    "Use a stable surface and get on and off slowly. Skip this test if you "
                    "have had a hip replacement, or if it hurts your hip or back."
                ),
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
                    "Sit tall on a chair, knees bent at a right angle and thighs parallel. "
                    "Keeping the thigh still on the seat, swing the lower leg outward like a "
                    "windscreen wiper, then inward. Do both legs; a photo from the front helps."
                ),
                look_for=(
                    "Does the painful side turn clearly less, in either direction, than the "
                    "other side?"
                ),
                safety="Move slowly and stop at the first pinch or pain; don't force it.",
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
                    "Stand with your feet about shoulder-width apart, toes turned out a little. "
                    "Squat down slowly as far as is comfortable."
                ),
                look_for=(
                    "Do your heels lift, or do you feel a pinch at the front of the hip, before "
                    "your thighs are parallel to the floor?"
                ),
                safety=(
                    "Hold on to a door frame or counter. Stop if your knee pain flares; don't "
                    "push into pain."
                ),
            ),
        ),
        Question(
            link_id="sitting_hours",
            text="On a typical day, how many hours do you spend sitting (work, driving, sofa)?",
            kind="single",
            options=(
                Option("under_6", "Less than 6 hours"),
                Option("6_or_more", "6 hours or more", {HIP: 1}),
            ),
        ),
    ),
)


STRENGTH_BALANCE = Step(
    slug="strength-balance",
    title="Strength balance",
    intro=(
        "Your glutes, at the back and side of the hip, balance the TFL at the front and side, "
        "which pulls on the IT band. When the glutes tire, the TFL takes over. These home tests "
        "are observations for your clinician. Skip any test that hurts."
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
                    "Lie on your side, propped on your forearm with the elbow under the "
                    "shoulder, legs straight and feet stacked. Lift your hips so your body is a "
                    "straight line from head to feet. Time the hold with a phone stopwatch, "
                    "rest, then do the other side."
                ),
                look_for=(
                    "Stop the clock when your hips sag or you can't keep the line. Healthy "
                    "adults commonly hold about a minute."
                ),
                safety=(
                    "Skip this if you have shoulder pain. Stop if it hurts your knee, hip or "
                    "back, and keep breathing."
                ),
            ),
        ),
        Question(
            link_id="side_plank_left",
            text="Side plank on your left side (left elbow down): how many seconds?",
            kind="integer",
            min_value=0,
            max_value=600,
            unit="seconds",
            enable_when=(Condition("side_plank", "in", ("held",)),),
        ),
        Question(
            link_id="side_plank_right",
            text="Side plank on your right side (right elbow down): how many seconds?",
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
                Option(
                    "could_not_balance",
                    "I couldn't balance for 30 seconds",
                    unknown=True,
                ),
                _not_sure(),
            ),
            self_test=SelfTest(
                how=(
                    "Stand facing a mirror with your hands on the bony points at the front of "
                    "your hips. Lift the pain-free foot just off the floor and balance on the "
                    "painful leg for 30 seconds."
                ),
                look_for=(
                    "Watch your hands: does the hip on the lifted-leg side drop lower than the "
                    "other?"
                ),
                safety="Stand next to a wall or counter so you can steady yourself.",
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
                    "Lie on your pain-free side with your back and heels against a wall, the "
                    "bottom knee bent for balance and the top leg straight. Slide the top heel "
                    "up the wall, lifting the leg about a foot (30 cm), slowly, 10 times."
                ),
                look_for=(
                    "Do you feel a cramp at the front of the hip rather than at the side? Does "
                    "the leg drift forward off the wall, or does your pelvis roll back?"
                ),
                safety="Move slowly and stop if it hurts.",
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
                    "Lie on your back with your knees bent and feet flat. Lift the pain-free "
                    "foot and push through the other heel to raise your hips. Do 10 slowly."
                ),
                look_for="Do your hips stay level? Where do you feel it working?",
                safety="Stop if it hurts your knee or back.",
            ),
        ),
        Question(
            link_id="strength_training",
            text="How often do you do strength training (weights, body-weight exercises, classes)?",
            kind="single",
            options=(
                Option("never", "Never or rarely", {STRENGTH: 1}),
                Option("once_a_week", "About once a week", {STRENGTH: 0.5}),
                Option("twice_or_more", "Twice a week or more"),
            ),
        ),
    ),
)


PELVIC_POSITION = Step(
    slug="pelvic-position",
    title="Pelvic position",
    intro=(
        "How your pelvis and rib cage stack changes how the glutes and TFL work. Many runners "
        "stand with the pelvis tipped forward, which can add tension on the IT band. These "
        "checks are rough; your clinician will look properly."
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
                how=(
                    "Stand relaxed, side-on to a mirror, or ask someone to take a photo from "
                    "the side. Wear fitted clothes with a waistband you can see."
                ),
                look_for=(
                    "Does your belt line tip down at the front? Is there a large arch in your "
                    "low back?"
                ),
                safety="Stand as you normally do; nothing to push or hold.",
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
                    "Stand with your heels about 2 inches (5 cm) from a wall, your buttocks "
                    "and shoulder blades touching it. Slide one hand, flat, into the gap behind "
                    "your low back."
                ),
                look_for=(
                    "Is there more room than a flat hand, for example a fist fits or the hand "
                    "moves around freely?"
                ),
                safety="Stand normally; don't force your back flat against the wall.",
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
                how=(
                    "Stand side-on to a mirror with your top off or tucked in, arms relaxed, "
                    "breathing normally."
                ),
                look_for=(
                    "Do the lowest ribs at the front stick out past your upper belly, as a "
                    "ridge you can see or feel?"
                ),
                safety="Breathe normally; nothing to push or hold.",
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
        "How you move in a squat and on the run changes the load on the IT band. A phone video "
        "helps if you've never had your running filmed, but \u201cdon't know\u201d is a fine "
        "answer: a gait analysis at the clinic will show it."
    ),
    questions=(
        Question(
            link_id="single_leg_squat",
            text="Single-leg squat or step-down on the painful leg, facing a mirror: what did "
            "you see? Choose all that apply.",
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
                    "Face a mirror and stand on the painful leg (or stand on a low step and "
                    "slowly lower the other heel towards the floor). Bend the standing knee "
                    "slowly as far as is comfortable and come back up, 5 times."
                ),
                look_for=(
                    "Does the knee dive inward past your big toe? Does the opposite hip drop? "
                    "Does your body lean to the side?"
                ),
                safety=("Hold on to a counter or door frame, and only go as deep as is pain-free."),
            ),
        ),
        Question(
            link_id="cadence_known",
            text="Do you know your running cadence (steps per minute) on easy runs?",
            kind="single",
            options=(
                Option("yes", "Yes"),
                _not_sure("No / don't know"),
            ),
            help_text=(
                "Many watches and apps show it. Or, on an easy run, count each time your right "
                "foot lands for 30 seconds and multiply by 4."
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
                    "Ask someone to film you from behind for 10 to 20 seconds while you run at "
                    "an easy pace on a treadmill or a flat path. Play it back in slow motion."
                ),
                look_for=(
                    "Do your feet land on or across an imaginary line down the middle, instead "
                    "of roughly under each hip?"
                ),
                safety="Film on a flat, safe surface away from traffic.",
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
                    "Ask someone to film you from the side for 10 to 20 seconds while you run "
                    "at an easy pace. Play it back in slow motion."
                ),
                look_for=(
                    "When your foot touches down, is it well ahead of your knee and hips, with "
                    "a straight knee and a hard heel landing?"
                ),
                safety="Film on a flat, safe surface away from traffic.",
            ),
        ),
    ),
)


QUESTIONNAIRE_V1 = Questionnaire(
    version="1",
    title="IT band self-assessment for runners",
    signed_off_by="Dr. Dana Cohen, PT, DPT (demo)",
    signed_off_on=datetime.date(2026, 11, 20),
    steps=(
        ABOUT_YOU,
        YOUR_PAIN,
        SAFETY_CHECK,
        HIP_MOBILITY,
        STRENGTH_BALANCE,
        PELVIC_POSITION,
        MOVEMENT_TECHNIQUE,
    ),
)

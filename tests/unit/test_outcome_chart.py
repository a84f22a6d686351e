"""The course chart's geometry: points, the MCID lines and the full-training mark."""

from outcomes.chart import BOTTOM, HEIGHT, TOP, CoursePoint, course_panels, x_of, y_of
from outcomes.instruments import LEFS, NPRS


def points():
    return [
        CoursePoint(week=0, nprs=7, lefs=40, running="not_running"),
        CoursePoint(week=2, nprs=5, lefs=50, running="reduced", groc=3),
        CoursePoint(week=6, nprs=2, lefs=70, running="full", groc=6),
    ]


def test_the_scales_run_the_right_way():
    assert y_of(10, NPRS) == TOP and y_of(0, NPRS) == HEIGHT - BOTTOM
    assert y_of(80, LEFS) == TOP and y_of(0, LEFS) == HEIGHT - BOTTOM
    assert x_of(0) < x_of(2) < x_of(6) < x_of(12)


def test_each_value_is_a_labelled_point_and_in_the_description():
    nprs, lefs = course_panels(points())
    assert [m.value for m in nprs.marks] == [7, 5, 2]
    assert [m.value for m in lefs.marks] == [40, 50, 70]
    assert "Eval 7, 2 wk 5, 6 wk 2" in nprs.desc
    assert nprs.polyline.count(",") == 3


def test_the_mcid_lines_sit_2_below_and_9_above_the_baseline():
    nprs, lefs = course_panels(points())
    assert nprs.mcid.y1 == y_of(5, NPRS) and "(5)" in nprs.mcid.label
    assert lefs.mcid.y1 == y_of(49, LEFS) and "(49)" in lefs.mcid.label


def test_no_mcid_line_without_a_baseline_or_off_the_scale():
    nprs, lefs = course_panels(points()[1:])
    assert nprs.mcid is None and lefs.mcid is None
    nprs, lefs = course_panels([CoursePoint(week=0, nprs=1, lefs=75, running="reduced")])
    assert nprs.mcid is None and lefs.mcid is None  # 1 - 2 and 75 + 9 are off the scale


def test_back_to_full_training_is_marked_at_the_first_full_check_in():
    nprs, lefs = course_panels(points())
    assert nprs.full_training.x1 == x_of(6) and lefs.full_training.x1 == x_of(6)
    assert "Back to full training at 6 wk" in nprs.desc
    nprs, _ = course_panels(points()[:2])
    assert nprs.full_training is None


def test_an_unscored_lefs_leaves_a_gap_not_a_zero():
    course = points()
    course[1] = CoursePoint(week=2, nprs=5, lefs=None, running="reduced")
    _, lefs = course_panels(course)
    assert [m.value for m in lefs.marks] == [40, 70]


def test_a_runner_who_never_stopped_full_training_gets_no_mark():
    course = [
        CoursePoint(week=0, nprs=3, lefs=70, running="full"),
        CoursePoint(week=2, nprs=1, lefs=78, running="full"),
    ]
    nprs, _ = course_panels(course)
    assert nprs.full_training is None
    course.append(CoursePoint(week=6, nprs=4, lefs=60, running="reduced"))
    course.append(CoursePoint(week=12, nprs=0, lefs=80, running="full"))
    nprs, _ = course_panels(course)
    assert nprs.full_training.x1 == x_of(12)

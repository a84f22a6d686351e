"""The front desk's patients: search, and one patient's contact details, visits and intakes.

A patient page is a staff view of health data: each one is written to the audit log and sent
with no-store. The desk sees an intake's summary only, never the answers or the notes.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from booking import rules
from booking.models import Patient
from itband.audit import audit_record
from itband.http import mark_no_store
from itband.roles import CLINICIAN, FRONT_DESK, has_role, role_required

from . import selectors as desk_selectors
from . import services as desk_services
from .forms import PatientContactForm, PatientSearchForm

PATIENTS_PER_PAGE = 25


@role_required(FRONT_DESK)
@require_GET
def patient_search(request: HttpRequest) -> HttpResponse:
    # NUL bytes removed: PostgreSQL's driver raises on them (a 500, not "no match").
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    page = Paginator(desk_selectors.patients_matching(query), PATIENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "desk_section": "patients",
        "query": query,
        "page": page,
        "search": PatientSearchForm(initial={"q": query}),
    }
    return mark_no_store(render(request, "desk/patients/list.html", context))


def _contact_initial(patient: Patient) -> dict:
    return {name: getattr(patient, name) for name in PatientContactForm.base_fields}


@role_required(FRONT_DESK)
@require_http_methods(["GET", "POST"])
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    status = 200
    if request.method == "POST":
        form = PatientContactForm(request.POST)
        if form.is_valid():
            changed = desk_services.patient_update_contact(
                patient=patient, details=form.contact_details()
            )
            if changed:
                # Field names only: the log never carries the details themselves.
                audit_record(
                    request=request,
                    action="view_patient",
                    obj=patient,
                    detail="contact details changed: " + ", ".join(changed),
                )
                messages.success(request, "Contact details saved.")
            else:
                messages.info(request, "Nothing was changed.")
            return redirect("desk:patient", patient.pk)
        status = 400
        detail = "contact details not saved"
    else:
        form = PatientContactForm(initial=_contact_initial(patient))
        detail = ""
    audit_record(request=request, action="view_patient", obj=patient, detail=detail)
    appointments = desk_selectors.patient_appointments(patient)
    context = {
        "desk_section": "patients",
        "patient": patient,
        "form": form,
        "appointments": appointments,
        "intakes": desk_selectors.patient_intakes(patient, appointments),
        "can_open_intakes": has_role(request.user, CLINICIAN),
        "red_flag": rules.booking_block_for(
            email=patient.email, last_name=patient.last_name, date_of_birth=patient.date_of_birth
        ),
    }
    return mark_no_store(render(request, "desk/patients/detail.html", context, status=status))

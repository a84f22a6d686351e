"""Test data built the way the product builds it."""

import factory
from django.contrib.auth.models import Group

from booking.models import Location
from itband.models import User

TEST_PASSWORD = "correct-horse-battery-staple"


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get(name=name))
        self.save()


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("slug",)

    name = "Bethesda"
    slug = factory.LazyAttribute(lambda o: o.name.lower())
    street = "4800 Demo Avenue"
    city = "Bethesda"
    region = "MD"
    postal_code = "20814"
    phone = "(301) 555-0142"
    timezone = "America/New_York"

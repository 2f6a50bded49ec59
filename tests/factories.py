"""Factories for the fixed cast of every test: a unit's staff, another unit's staff, a unit head,
a supervisor, an admin."""
import datetime as dt

import factory
from django.contrib.auth import get_user_model

from indicators.models import Target
from plans.choices import PlanStatus, Role, UnitRole
from plans.models import Measure, MeasureUnit, Membership, Plan, Region, Unit
from tasks.models import Task

PASSWORD = "Test@pass123"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"测试区{n}")
    code = factory.Sequence(lambda n: f"9{n:05d}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"区测试局{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def finish(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(unit: Unit, role: str = Role.STAFF, **kw):
    user = UserFactory(**kw)
    if role in (Role.ADMIN, Role.SUPERVISOR):
        user.is_staff = True
        user.is_superuser = role == Role.ADMIN
        user.save()
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"测试区2026年优化营商环境实施方案{n}")
    year = 2026
    region = factory.SubFactory(RegionFactory)
    status = PlanStatus.PUBLISHED


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    plan = factory.SubFactory(PlanFactory)
    label = factory.Sequence(lambda n: f"{n + 1}")
    level = 1
    path = factory.LazyAttribute(lambda o: o.label)
    title = factory.Sequence(lambda n: f"推进政务服务事项全程网办{n}")
    text = factory.LazyAttribute(lambda o: o.title + "。")
    order = factory.Sequence(lambda n: n)
    deadline = dt.date(2026, 9, 30)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    measure = factory.SubFactory(MeasureFactory)
    plan = factory.SelfAttribute("measure.plan")
    unit = factory.SubFactory(UnitFactory)
    role = UnitRole.LEAD
    deadline = factory.LazyAttribute(lambda o: o.measure.deadline)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    measure = factory.SubFactory(MeasureFactory)
    text = "全程网办率达到90%以上"
    metric = "全程网办率"
    op = ">="
    value = 90
    unit = "%"


def link(measure: Measure, unit: Unit, role: str = UnitRole.LEAD) -> MeasureUnit:
    return MeasureUnit.objects.create(measure=measure, unit=unit, name_as_printed=unit.name, role=role)

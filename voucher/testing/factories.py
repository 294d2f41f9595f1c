"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import factory

from voucher.accounts.choices import Role
from voucher.accounts.models import Organisation, User
from voucher.demo.codes import make_uscc


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"北京测试单位{n}有限公司")
    uscc = factory.Sequence(lambda n: make_uscc(500000 + n))
    registered_address = "北京市海淀区中关村大街1号"
    contact_name = "张三"
    contact_phone = "13800138000"

    class Params:
        enterprise = factory.Trait(is_enterprise=True)
        provider = factory.Trait(is_provider=True)
        review_body = factory.Trait(is_review_body=True)
        authority = factory.Trait(is_authority=True)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-123456")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.ENTERPRISE
    organisation = factory.SubFactory(OrganisationFactory, enterprise=True)

    class Params:
        provider = factory.Trait(
            role=Role.PROVIDER, organisation=factory.SubFactory(OrganisationFactory, provider=True)
        )
        reviewer = factory.Trait(
            role=Role.REVIEWER, organisation=factory.SubFactory(OrganisationFactory, review_body=True)
        )
        admin = factory.Trait(
            role=Role.ADMIN,
            is_staff=True,
            organisation=factory.SubFactory(OrganisationFactory, authority=True),
        )

"""The demo's border posts: devices at each of the five Isfahan posts, an hour of history through
the agents' own path, Farrokhi silent and offline; Kerman's people see none of it; the simulator
brings a post back with its backlog, recorded once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rasad.core.demo import load_demo as load_core_demo
from rasad.core.models import User
from rasad.live.demo import POSTS, load_demo
from rasad.live.models import Device, DeviceEvent, Outage
from rasad.live.simulator import Simulator
from rasad.testing.demo import loaded_once

pytestmark = pytest.mark.django_db

# The core demo and the border posts, loaded once for the module: the posts' summary.
first_load = loaded_once(load_core_demo, load_demo)


def test_the_border_posts_come_alive_once_and_only_for_isfahan(first_load: dict[str, int]):
    first = first_load
    assert load_demo() == first
    assert first == {"devices": 35, "offline": 7}
    farrokhi = Device.objects.filter(organization__code="ISF-BP5")
    assert set(farrokhi.values_list("status", flat=True)) == {"offline"}
    assert set(Device.objects.exclude(organization__code="ISF-BP5").values_list("status", flat=True)) <= {
        "online",
        "degraded",
    }
    assert DeviceEvent.objects.filter(kind="power_loss", organization__code="ISF-BP5").count() == 1
    outage = Outage.objects.get(organization__code="ISF-BP5")
    assert outage.ended_at is None and outage.case is not None
    assert outage.case.owner_organization.code == "ISF-BCC"
    assert Outage.objects.count() == 1  # the other posts kept sending
    commander = User.objects.get(username="isfahan-cc.coordinator")
    assert DeviceEvent.objects.visible_to(commander).count() == DeviceEvent.objects.count()
    kerman = User.objects.get(username="kerman-csc.coordinator")
    assert not DeviceEvent.objects.visible_to(kerman).exists()
    assert not Device.objects.visible_to(kerman).exists()


@pytest.mark.usefixtures("first_load")
def test_the_simulator_sends_a_post_backlog_after_its_outage():
    simulator = Simulator(outage_minutes=1)
    assert sorted(simulator.agents) == list(POSTS)
    now = timezone.now()
    simulator.agents["ISF-BP2"].down_until = now + timedelta(seconds=50)
    before = DeviceEvent.objects.count()
    simulator.tick(now)
    simulator.tick(now + timedelta(seconds=30))
    assert len(simulator.agents["ISF-BP2"].backlog) == 2
    simulator.tick(now + timedelta(seconds=60))
    assert simulator.agents["ISF-BP2"].backlog == []
    mesr = Device.objects.get(serial="ISF-BP2-CAM1")
    assert mesr.heartbeats.filter(device_time__gte=now).count() == 3
    assert DeviceEvent.objects.count() >= before

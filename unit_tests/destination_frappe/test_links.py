"""LinkResolver under parallel slices: one GET per distinct value while several slices ask for the same
values at once, and an answer forgotten by another slice (``forget_misses``) is asked again, not a crash."""
from __future__ import annotations

import json
import logging
import threading
from collections import Counter

from destination_frappe.api import FrappeApi
from destination_frappe.links import LinkResolver
from destination_frappe.payload import LinkRef
from erp_http.parallel import parallel_map
from unit_tests.destination_frappe.fake_site import FakeSite

LOG = logging.getLogger("test")
GROUPS = [f"Group {i}" for i in range(6)]


class GatedSite(FakeSite):
    """Counts list GETs per filter; every GET waits at the gate until the test opens it."""

    def __init__(self) -> None:
        super().__init__({"Customer Group": "field:customer_group_name"})
        for name in GROUPS[:5]:  # the sixth is a miss
            self.docs["Customer Group"][name] = {"name": name, "customer_group_name": name}
        self.gets: Counter[str] = Counter()
        self.entered = threading.Condition()
        self.gate = threading.Event()

    def get(self, path, params=None):
        with self.entered:
            self.gets[json.dumps(json.loads((params or {}).get("filters", "[]")))] += 1
            self.entered.notify_all()
        assert self.gate.wait(timeout=30)
        return super().get(path, params)


def ref(name: str) -> LinkRef:
    return LinkRef("Customer Group", (("customer_group_name", name),))


def test_parallel_slices_asking_the_same_values_send_one_get_per_value():
    site = GatedSite()
    resolver = LinkResolver(FrappeApi(site), lambda fn, items: parallel_map(fn, items, 6, name="lookup"), LOG)
    orders = [GROUPS, GROUPS[::-1], GROUPS[2:] + GROUPS[:2], GROUPS[3:]]  # four slices, overlapping, any order
    first = threading.Thread(target=resolver.resolve_all, args=([ref(n) for n in orders[0]],))
    first.start()
    with site.entered:  # the first slice's six lookups are in flight, held at the gate
        assert site.entered.wait_for(lambda: sum(site.gets.values()) == 6, timeout=30)
    others = [threading.Thread(target=resolver.resolve_all, args=([ref(n) for n in names],)) for names in orders[1:]]
    try:
        for thread in others:
            thread.start()
        for thread in others:
            thread.join(timeout=0.3)  # they wait for the first slice's answers (a resolver asking again would GET now)
        assert sum(site.gets.values()) == 6
    finally:
        site.gate.set()
    for thread in [first, *others]:
        thread.join(timeout=30)
        assert not thread.is_alive()
    assert len(site.gets) == 6 and set(site.gets.values()) == {1}  # one GET per distinct value
    assert resolver.requests == 6
    assert [resolver.get(ref(n)).name for n in GROUPS] == [*GROUPS[:5], None]
    assert resolver.get(ref(GROUPS[5])).missing


def test_an_answer_forgotten_by_another_slice_is_asked_again_when_read():
    site = GatedSite()
    site.gate.set()
    resolver = LinkResolver(FrappeApi(site), lambda fn, items: [fn(x) for x in items], LOG)
    resolver.resolve_all([ref("Group 5")])
    assert resolver.get(ref("Group 5")).missing
    # another slice inserted into Customer Group meanwhile (Group 5 among them) and forgot the misses
    site.docs["Customer Group"]["Group 5"] = {"name": "Group 5", "customer_group_name": "Group 5"}
    resolver.forget_misses("Customer Group")
    assert resolver.get(ref("Group 5")).name == "Group 5"
    assert resolver.requests == 2

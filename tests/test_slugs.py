from __future__ import annotations

import re

import pytest

from papershelf.slugs import assign_slugs, base_slug, key_hash

SAFE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.mark.parametrize(
    ("key", "slug"),
    [
        ("smith2020deep", "smith2020deep"),
        ("Smith2020Deep", "smith2020deep"),
        ("DBLP:conf/icml/X21", "dblp-conf-icml-x21"),
        ("müller_2020", "muller-2020"),
        ("Łukasz.Kaiser+2017", "lukasz-kaiser-2017"),
        ("CON", f"con-{key_hash('CON')}"),
        ("index", f"index-{key_hash('index')}"),
        ("../../etc/passwd", "etc-passwd"),
        ("张三2020", f"2020-{key_hash('张三2020')}"),
        ("论文", f"paper-{key_hash('论文')}"),
        ("a b?c#d", f"a-bcd-{key_hash('a b?c#d')}"),
    ],
)
def test_base_slug(key: str, slug: str) -> None:
    assert base_slug(key) == slug
    assert SAFE.match(slug) and len(slug) <= 80


def test_long_keys_are_cut_and_stay_unique() -> None:
    a, b = "x" * 200 + "a", "x" * 200 + "b"
    assert base_slug(a) != base_slug(b)
    assert max(len(base_slug(a)), len(base_slug(b))) <= 80


def test_collisions_do_not_depend_on_order() -> None:
    keys = ["smith2020", "Smith2020", "SMITH2020"]
    forward, collisions = assign_slugs(keys)
    backward, _ = assign_slugs(reversed(keys))
    assert forward == backward
    assert forward["SMITH2020"] == "smith2020"  # sorts first
    assert len(set(forward.values())) == 3
    assert collisions == [("smith2020", sorted(keys))]

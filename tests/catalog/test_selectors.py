"""Selectors of the public catalogue: first photo only, category tree, similar products."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import PhotoStatus, ProductPhoto
from catalog.selectors import (
    category_descendant_ids,
    category_tree,
    public_products,
    root_category_counts,
    similar_products,
)
from tests.factories import CategoryFactory, ProductFactory, VendorFactory


def add_photo(product, position, name):
    return ProductPhoto.objects.create(
        product=product,
        image=f"demo/{name}.jpg",
        thumbnail=f"demo/thumbs/{name}-t.jpg",
        position=position,
        width=640,
        height=640,
        status=PhotoStatus.APPROVED,  # curated: the public sees approved photos only
    )


@pytest.fixture
def tree(db):
    food = CategoryFactory(name="Makanan & Minuman", slug="makanan-minuman", position=1)
    apple = CategoryFactory(name="Olahan Apel", slug="olahan-apel", parent=food, position=1)
    chips = CategoryFactory(name="Keripik & Camilan", slug="keripik-camilan", parent=food, position=2)
    dried = CategoryFactory(name="Keripik Buah", slug="keripik-buah", parent=chips, position=1)
    atk = CategoryFactory(name="ATK", slug="atk", position=2)
    return {"food": food, "apple": apple, "chips": chips, "dried": dried, "atk": atk}


@pytest.mark.django_db
def test_public_products_carry_only_the_first_photo(tree):
    product = ProductFactory(category=tree["apple"])
    add_photo(product, 2, "ketiga")
    add_photo(product, 0, "pertama")
    add_photo(product, 1, "kedua")
    [loaded] = list(public_products())
    assert [p.thumbnail.name for p in loaded.first_photos] == ["demo/thumbs/pertama-t.jpg"]


@pytest.mark.django_db
def test_public_products_list_uses_a_fixed_number_of_queries(tree):
    vendors = [VendorFactory() for _ in range(3)]
    for i in range(12):
        product = ProductFactory(category=tree["apple"], vendor=vendors[i % 3])
        add_photo(product, 0, f"p{i}")
    with CaptureQueriesContext(connection) as ctx:
        for product in public_products()[:24]:
            _ = (product.vendor.kecamatan.name, product.category.name, product.first_photos)
    assert len(ctx.captured_queries) == 2  # products + first photos


@pytest.mark.django_db
def test_category_descendant_ids_cover_the_whole_subtree(tree):
    ids = set(category_descendant_ids(tree["food"]))
    assert ids == {tree["food"].pk, tree["apple"].pk, tree["chips"].pk, tree["dried"].pk}
    assert set(category_descendant_ids(tree["chips"])) == {tree["chips"].pk, tree["dried"].pk}
    assert category_descendant_ids(tree["atk"]) == [tree["atk"].pk]


@pytest.mark.django_db
def test_category_tree_is_cached_and_refreshed_when_a_category_changes(tree, django_assert_num_queries):
    category_tree()
    with django_assert_num_queries(0):
        category_descendant_ids(tree["food"])
    new_child = CategoryFactory(name="Sari Buah", slug="sari-buah", parent=tree["food"])
    assert new_child.pk in category_descendant_ids(tree["food"])


@pytest.mark.django_db
def test_category_tree_is_in_tree_order_with_depth(tree):
    ordered = [(node.slug, node.depth) for node in category_tree().ordered]
    assert ordered == [
        ("makanan-minuman", 0),
        ("olahan-apel", 1),
        ("keripik-camilan", 1),
        ("keripik-buah", 2),
        ("atk", 0),
    ]


@pytest.mark.django_db
def test_root_category_counts_add_up_sub_categories(tree):
    ProductFactory(category=tree["apple"])
    ProductFactory(category=tree["dried"])
    ProductFactory(category=tree["dried"], status="draft")
    counts = {node.slug: n for node, n in root_category_counts()}
    assert counts == {"makanan-minuman": 2, "atk": 0}


@pytest.mark.django_db
def test_similar_products_are_same_category_closest_price_first(tree):
    product = ProductFactory(category=tree["apple"], price=20000)
    far = ProductFactory(category=tree["apple"], price=90000)
    near = ProductFactory(category=tree["apple"], price=21000)
    ProductFactory(category=tree["atk"], price=20000)
    assert [p.pk for p in similar_products(product)] == [near.pk, far.pk]

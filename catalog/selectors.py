"""Reads of the public catalogue, shared by the public pages, search and other apps.

Everything public starts from ``public_products()`` / ``Vendor.objects.public()``
so the visibility rule (tayang products of verified, non-suspended vendors)
lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Category, Kecamatan, PhotoStatus, Product, ProductPhoto, Vendor

CATEGORY_TREE_CACHE_KEY = "catalog:category-tree:v1"
KECAMATAN_CACHE_KEY = "catalog:kecamatan-ids:v1"
CATEGORY_TREE_TIMEOUT = 60 * 60
# The front page's counts: a grouped COUNT over every public product (~0.3 s at 1M rows) is
# cached; saving a product, vendor or category drops it, and the TTL bounds the lag in
# processes the signal does not reach (one LocMemCache per gunicorn worker).
CATALOG_COUNTS_CACHE_KEY = "catalog:counts:v1"
CATALOG_COUNTS_TIMEOUT = 5 * 60


def public_photos() -> QuerySet[ProductPhoto]:
    """Photos the public may see: approved by BPBJ (a new photo waits for curation)."""
    return ProductPhoto.objects.filter(status=PhotoStatus.APPROVED).order_by("position", "id")


def first_photo_prefetch() -> Prefetch:
    """Only the first public photo of each product (a windowed prefetch, one query per page)."""
    return Prefetch("photos", queryset=public_photos()[:1], to_attr="first_photos")


def public_products() -> QuerySet[Product]:
    """Products the public may see, with what a product card needs and nothing more."""
    return (
        Product.objects.public()
        .select_related("vendor", "vendor__kecamatan", "category")
        .prefetch_related(first_photo_prefetch())
        .order_by("-published_at", "-id")
    )


def public_product_detail(pk: int) -> Product:
    """One public product with all its photos and its price history (raises DoesNotExist)."""
    return (
        Product.objects.public()
        .select_related("vendor", "vendor__kecamatan", "vendor__kelurahan", "category", "category__parent")
        .prefetch_related(
            Prefetch("photos", queryset=public_photos()),
            "price_history",
        )
        .get(pk=pk)
    )


def similar_products(product: Product, limit: int = 8) -> list[Product]:
    """Other public products of the same category, closest in price first.

    Two short walks of the (category, price) index, one up and one down from the
    product's price, merged here: ordering the whole category by ``ABS(price - p)``
    sorted ~36,000 rows per product page at national size (170 ms).
    """
    same_category = (
        public_products()
        .prefetch_related(None)
        .filter(category_id=product.category_id)
        .exclude(pk=product.pk)
    )
    above = list(same_category.filter(price__gte=product.price).order_by("price", "-id")[:limit])
    below = list(same_category.filter(price__lt=product.price).order_by("-price", "id")[:limit])

    def closeness(p: Product):
        published = p.published_at.timestamp() if p.published_at else float("-inf")
        return (abs(p.price - product.price), -published, -p.pk)

    similar = sorted(above + below, key=closeness)[:limit]
    prefetch_related_objects(similar, first_photo_prefetch())
    return similar


def vendor_public_products(vendor: Vendor) -> QuerySet[Product]:
    """A vendor's products as the public sees them (empty if the vendor is not public)."""
    return public_products().filter(vendor=vendor)


def public_vendor_count() -> int:
    return catalog_counts()["vendors"]


def public_product_count() -> int:
    return catalog_counts()["products"]


def catalog_counts() -> dict:
    """Public products, verified vendors and products per category id (cached, see above)."""
    counts = cache.get(CATALOG_COUNTS_CACHE_KEY)
    if counts is None:
        per_category = dict(
            Product.objects.public().order_by().values_list("category_id").annotate(n=Count("id"))
        )
        counts = {
            "products": sum(per_category.values()),
            "vendors": Vendor.objects.public().count(),
            "per_category": per_category,
        }
        cache.set(CATALOG_COUNTS_CACHE_KEY, counts, CATALOG_COUNTS_TIMEOUT)
    return counts


def clear_catalog_counts_cache() -> None:
    cache.delete(CATALOG_COUNTS_CACHE_KEY)


@receiver([post_save, post_delete], sender=Product, dispatch_uid="catalog.selectors.product_changed")
@receiver([post_save, post_delete], sender=Vendor, dispatch_uid="catalog.selectors.vendor_changed")
def _catalog_changed(**kwargs) -> None:
    clear_catalog_counts_cache()


# --- Category tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryNode:
    id: int
    parent_id: int | None
    name: str
    slug: str
    depth: int
    children: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class CategoryTree:
    """All categories in tree order; a city has a few dozen, so one query builds it."""

    nodes: dict[int, CategoryNode]
    ordered: list[CategoryNode]

    def by_slug(self, slug: str) -> CategoryNode | None:
        for node in self.ordered:
            if node.slug == slug:
                return node
        return None

    def descendant_ids(self, category_id: int) -> list[int]:
        """The category and everything below it."""
        if category_id not in self.nodes:
            return [category_id]
        result, stack = [], [category_id]
        while stack:
            current = stack.pop()
            result.append(current)
            stack.extend(self.nodes[current].children)
        return result

    def roots(self) -> list[CategoryNode]:
        return [node for node in self.ordered if node.parent_id is None]

    def root_of(self, category_id: int) -> int:
        node = self.nodes.get(category_id)
        while node is not None and node.parent_id is not None and node.parent_id in self.nodes:
            node = self.nodes[node.parent_id]
        return node.id if node else category_id


def _build_category_tree() -> CategoryTree:
    rows = list(Category.objects.order_by("position", "name").values_list("id", "parent_id", "name", "slug"))
    children: dict[int | None, list[int]] = {}
    for pk, parent_id, _name, _slug in rows:
        children.setdefault(parent_id, []).append(pk)
    info = {pk: (parent_id, name, slug) for pk, parent_id, name, slug in rows}
    nodes: dict[int, CategoryNode] = {}
    ordered: list[CategoryNode] = []

    def visit(pk: int, depth: int) -> None:
        parent_id, name, slug = info[pk]
        node = CategoryNode(pk, parent_id, name, slug, depth, list(children.get(pk, [])))
        nodes[pk] = node
        ordered.append(node)
        for child in children.get(pk, []):
            visit(child, depth + 1)

    for pk, parent_id, _name, _slug in rows:
        if parent_id is not None and parent_id in info:
            continue
        visit(pk, 0)
    return CategoryTree(nodes=nodes, ordered=ordered)


def category_tree() -> CategoryTree:
    """The category tree, cached; saving or deleting a category clears the cache."""
    tree = cache.get(CATEGORY_TREE_CACHE_KEY)
    if tree is None:
        tree = _build_category_tree()
        cache.set(CATEGORY_TREE_CACHE_KEY, tree, CATEGORY_TREE_TIMEOUT)
    return tree


def clear_category_cache() -> None:
    cache.delete_many([CATEGORY_TREE_CACHE_KEY, CATALOG_COUNTS_CACHE_KEY])


@receiver([post_save, post_delete], sender=Category, dispatch_uid="catalog.selectors.category_changed")
def _category_changed(**kwargs) -> None:
    clear_category_cache()


def kecamatan_ids() -> dict[str, int]:
    """Kecamatan name -> id in name order, for the filter panel (cached; a change clears it)."""
    ids = cache.get(KECAMATAN_CACHE_KEY)
    if ids is None:
        ids = dict(Kecamatan.objects.order_by("name").values_list("name", "id"))
        cache.set(KECAMATAN_CACHE_KEY, ids, CATEGORY_TREE_TIMEOUT)
    return ids


@receiver([post_save, post_delete], sender=Kecamatan, dispatch_uid="catalog.selectors.kecamatan_changed")
def _kecamatan_changed(**kwargs) -> None:
    cache.delete(KECAMATAN_CACHE_KEY)


def category_descendant_ids(category: Category | int) -> list[int]:
    """Ids of a category and all its sub-categories (for 'kategori' filters)."""
    category_id = category if isinstance(category, int) else category.pk
    return category_tree().descendant_ids(category_id)


def root_category_counts() -> list[tuple[CategoryNode, int]]:
    """Top-level categories with the number of public products below each (cached counts)."""
    tree = category_tree()
    totals: dict[int, int] = {}
    for category_id, n in catalog_counts()["per_category"].items():
        root = tree.root_of(category_id)
        totals[root] = totals.get(root, 0) + n
    return [(node, totals.get(node.id, 0)) for node in tree.roots()]

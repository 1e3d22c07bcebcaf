"""Word lists, COPY helpers and invariant checks for ``manage.py seed_national``.

Everything here is deterministic: names are built from the word lists below with a
seeded ``random.Random``; nothing reads the clock or the network.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass

from django.db import models

# --- Word lists ------------------------------------------------------------------------------

# Category tree: top level -> leaf -> (nouns, unit, min price, max price).
CATEGORY_TREE: dict[str, dict[str, tuple[list[str], str, int, int]]] = {
    "Makanan dan Minuman": {
        "Makanan Ringan": (
            [
                "Keripik Apel",
                "Keripik Singkong",
                "Keripik Tempe",
                "Rengginang",
                "Kerupuk Udang",
                "Emping Melinjo",
                "Kacang Atom",
                "Dodol Apel",
                "Bakpia",
                "Jenang",
            ],
            "bungkus",
            8000,
            60000,
        ),
        "Kopi dan Teh": (
            [
                "Kopi Arabika",
                "Kopi Robusta",
                "Kopi Luwak",
                "Teh Hijau",
                "Teh Melati",
                "Teh Rosella",
                "Jahe Merah Instan",
                "Wedang Uwuh",
            ],
            "bungkus",
            15000,
            250000,
        ),
        "Nasi Kotak dan Katering": (
            [
                "Nasi Kotak Ayam Bakar",
                "Nasi Kotak Rendang",
                "Snack Box",
                "Tumpeng Mini",
                "Nasi Liwet",
                "Prasmanan Rapat",
            ],
            "kotak",
            12000,
            85000,
        ),
        "Minuman Kemasan": (
            [
                "Sari Apel",
                "Air Mineral Gelas",
                "Susu Sapi Segar",
                "Yoghurt Buah",
                "Sirup Jeruk",
                "Minuman Jahe",
            ],
            "dus",
            20000,
            120000,
        ),
        "Bumbu dan Olahan": (
            [
                "Sambal Bawang",
                "Bumbu Pecel",
                "Abon Sapi",
                "Madu Hutan",
                "Gula Aren",
                "Minyak Kelapa",
                "Terasi Udang",
            ],
            "botol",
            10000,
            150000,
        ),
    },
    "Alat Tulis Kantor": {
        "Kertas": (
            [
                "Kertas HVS A4 70 gram",
                "Kertas HVS F4 80 gram",
                "Kertas Karton",
                "Kertas Foto",
                "Amplop Cokelat",
                "Map Snelhecter",
            ],
            "rim",
            20000,
            90000,
        ),
        "Alat Tulis": (
            [
                "Pulpen Gel",
                "Pensil 2B",
                "Spidol Papan Tulis",
                "Penghapus",
                "Stabilo",
                "Penggaris Besi",
                "Buku Agenda",
            ],
            "pak",
            5000,
            80000,
        ),
        "Perlengkapan Arsip": (
            ["Ordner", "Box File", "Stopmap", "Odner Plastik", "Klip Kertas", "Stapler"],
            "buah",
            4000,
            120000,
        ),
    },
    "Pakaian dan Tekstil": {
        "Seragam": (
            [
                "Seragam Dinas Harian",
                "Kemeja Batik Kantor",
                "Kaos Olahraga",
                "Rompi Lapangan",
                "Jaket Dinas",
                "Seragam Satpam",
            ],
            "potong",
            90000,
            450000,
        ),
        "Batik": (
            ["Kain Batik Tulis", "Kain Batik Cap", "Selendang Batik", "Kemeja Batik Apel", "Taplak Batik"],
            "lembar",
            75000,
            1200000,
        ),
        "Tekstil Rumah Tangga": (
            ["Sprei Katun", "Handuk", "Gorden Kantor", "Karpet Masjid", "Sarung Tenun"],
            "buah",
            40000,
            900000,
        ),
    },
    "Kerajinan dan Cendera Mata": {
        "Kerajinan Kayu": (
            ["Ukiran Kayu Jati", "Plakat Kayu", "Miniatur Kayu", "Kotak Tisu Kayu", "Papan Nama Kayu"],
            "buah",
            35000,
            1500000,
        ),
        "Kerajinan Anyaman": (
            ["Tas Anyaman Pandan", "Keranjang Rotan", "Tempat Buah Bambu", "Tikar Pandan", "Topi Anyaman"],
            "buah",
            20000,
            400000,
        ),
        "Suvenir": (
            [
                "Gantungan Kunci",
                "Mug Sablon",
                "Plakat Akrilik",
                "Pin Logo",
                "Tumbler Logo",
                "Goodie Bag Kain",
            ],
            "buah",
            5000,
            250000,
        ),
    },
    "Pertanian dan Peternakan": {
        "Bibit dan Benih": (
            [
                "Bibit Apel Manalagi",
                "Bibit Jeruk Keprok",
                "Benih Sayuran",
                "Bibit Kopi",
                "Bibit Tanaman Hias",
                "Bibit Durian",
            ],
            "batang",
            5000,
            150000,
        ),
        "Pupuk dan Pakan": (
            [
                "Pupuk Organik Cair",
                "Pupuk Kompos",
                "Pakan Ternak Fermentasi",
                "Pakan Ikan Apung",
                "Pupuk Kandang",
            ],
            "karung",
            25000,
            400000,
        ),
        "Hasil Bumi": (
            ["Apel Manalagi", "Jeruk Keprok", "Kentang", "Wortel", "Kubis", "Stroberi", "Sayur Organik"],
            "kg",
            6000,
            80000,
        ),
    },
    "Perabot dan Peralatan Kantor": {
        "Mebel": (
            ["Meja Kerja Kayu", "Kursi Kantor", "Lemari Arsip", "Rak Buku", "Meja Rapat", "Kursi Tunggu"],
            "unit",
            350000,
            6500000,
        ),
        "Peralatan Kebersihan": (
            [
                "Sapu Ijuk",
                "Alat Pel",
                "Cairan Pembersih Lantai",
                "Tempat Sampah Pilah",
                "Sabun Cuci Tangan",
                "Kain Lap",
            ],
            "buah",
            8000,
            350000,
        ),
        "Peralatan Dapur": (
            ["Dandang Aluminium", "Kompor Gas", "Termos Air", "Panci Presto", "Rantang"],
            "buah",
            40000,
            1500000,
        ),
    },
    "Jasa": {
        "Jasa Percetakan": (
            [
                "Cetak Spanduk",
                "Cetak Brosur",
                "Cetak Undangan",
                "Cetak Buku Laporan",
                "Cetak Stiker",
                "Cetak Kop Surat",
            ],
            "paket",
            50000,
            5000000,
        ),
        "Jasa Kebersihan dan Perawatan": (
            ["Cuci Karpet", "Servis AC", "Perawatan Taman", "Pembersihan Gedung", "Pengendalian Hama"],
            "paket",
            150000,
            8000000,
        ),
        "Jasa Dokumentasi dan Acara": (
            [
                "Dokumentasi Foto Acara",
                "Sewa Tenda",
                "Sewa Sound System",
                "Dekorasi Panggung",
                "Pembawa Acara",
            ],
            "paket",
            250000,
            15000000,
        ),
        "Jasa Pelatihan": (
            [
                "Pelatihan Barista",
                "Pelatihan Menjahit",
                "Pelatihan Digital Marketing",
                "Pelatihan Pengolahan Apel",
            ],
            "orang",
            150000,
            2500000,
        ),
    },
    "Bahan Bangunan": {
        "Material": (
            ["Batako Press", "Paving Blok", "Genteng Tanah Liat", "Pasir Cor", "Batu Kali", "Bata Merah"],
            "buah",
            1500,
            450000,
        ),
        "Kayu dan Bambu": (
            ["Kayu Meranti", "Bambu Petung", "Papan Kayu Sengon", "Reng Kayu"],
            "batang",
            15000,
            300000,
        ),
    },
    "Kesehatan dan Kecantikan": {
        "Herbal": (
            ["Jamu Kunyit Asam", "Minyak Kayu Putih", "Madu Kelengkeng", "Temulawak Instan", "Sabun Herbal"],
            "botol",
            10000,
            200000,
        ),
        "Alat Kesehatan Sederhana": (
            ["Masker Kain", "Hand Sanitizer", "Kotak P3K", "Termometer Digital"],
            "buah",
            5000,
            250000,
        ),
    },
}

ADJECTIVES = [
    "Premium",
    "Asli",
    "Super",
    "Khas Daerah",
    "Organik",
    "Pilihan",
    "Ekonomis",
    "Spesial",
    "Murni",
    "Tradisional",
    "Grade A",
    "Kualitas Ekspor",
    "Segar",
    "Lokal",
    "Istimewa",
]
VARIANTS = [
    "250 gram",
    "500 gram",
    "1 kg",
    "isi 10",
    "isi 12",
    "ukuran M",
    "ukuran L",
    "ukuran XL",
    "warna hitam",
    "warna cokelat",
    "motif parang",
    "motif kawung",
    "rasa original",
    "rasa pedas",
    "rasa balado",
    "kemasan besar",
    "kemasan kecil",
    "model A",
    "model B",
    "tipe standar",
]
BRAND_WORDS = [
    "Sari",
    "Jaya",
    "Makmur",
    "Sejahtera",
    "Abadi",
    "Lestari",
    "Mandiri",
    "Berkah",
    "Sentosa",
    "Rahayu",
    "Barokah",
    "Mulia",
    "Agung",
    "Utama",
    "Sumber",
    "Tani",
    "Karya",
    "Indah",
    "Bersama",
    "Harapan",
    "Gemilang",
    "Nusantara",
    "Citra",
    "Mekar",
    "Arjuna",
    "Panderman",
    "Bromo",
    "Semeru",
    "Kawi",
    "Welirang",
]
BUSINESS_FORMS = [
    "UD",
    "CV",
    "Koperasi",
    "Toko",
    "PT",
    "KUB",
    "UMKM",
    "Kelompok Tani",
    "Konveksi",
    "Percetakan",
]
FIRST_NAMES = [
    "Budi",
    "Siti",
    "Agus",
    "Dewi",
    "Slamet",
    "Sri",
    "Joko",
    "Rina",
    "Wahyu",
    "Nur",
    "Eko",
    "Yuli",
    "Hadi",
    "Ani",
    "Bambang",
    "Wulan",
    "Teguh",
    "Lestari",
    "Andi",
    "Fitri",
    "Dedi",
    "Ratna",
    "Imam",
    "Endang",
    "Rudi",
    "Kartini",
    "Fajar",
    "Indah",
    "Hendra",
    "Maya",
]
LAST_NAMES = [
    "Santoso",
    "Wijaya",
    "Pratama",
    "Susanto",
    "Hidayat",
    "Rahmawati",
    "Setiawan",
    "Kurniawan",
    "Saputra",
    "Wibowo",
    "Nugroho",
    "Lestari",
    "Purnomo",
    "Handayani",
    "Utomo",
    "Firmansyah",
    "Sulistyo",
    "Maharani",
    "Gunawan",
    "Permana",
]
PLACE_PREFIXES = [
    "Suka",
    "Tanjung",
    "Karang",
    "Sumber",
    "Pasir",
    "Cipta",
    "Mekar",
    "Sido",
    "Banyu",
    "Kali",
    "Wono",
    "Jati",
    "Gunung",
    "Batu",
    "Tegal",
    "Rejo",
    "Ngadi",
    "Purwo",
    "Kedung",
    "Sari",
]
PLACE_SUFFIXES = [
    "maju",
    "sari",
    "jaya",
    "rejo",
    "mulyo",
    "asri",
    "makmur",
    "agung",
    "harjo",
    "wangi",
    "tani",
    "sono",
    "kerto",
    "arum",
    "luhur",
]
STREETS = [
    "Jl. Diponegoro",
    "Jl. Sudirman",
    "Jl. Gajah Mada",
    "Jl. Ahmad Yani",
    "Jl. Pattimura",
    "Jl. Kartini",
    "Jl. Imam Bonjol",
    "Jl. Hasanuddin",
    "Jl. Cut Nyak Dien",
    "Jl. Pahlawan",
    "Jl. Merdeka",
    "Jl. Raya",
]
BANKS = ["Bank Jatim", "Bank BRI", "Bank BNI", "Bank Mandiri", "Bank BTN", "Bank Syariah Indonesia"]
OPD_FIELDS = [
    "Pendidikan",
    "Kesehatan",
    "Pekerjaan Umum dan Penataan Ruang",
    "Perhubungan",
    "Pertanian",
    "Pariwisata",
    "Koperasi dan Usaha Mikro",
    "Perindustrian dan Perdagangan",
    "Lingkungan Hidup",
    "Sosial",
    "Kependudukan dan Pencatatan Sipil",
    "Komunikasi dan Informatika",
    "Perumahan",
    "Pemuda dan Olahraga",
    "Ketahanan Pangan",
    "Perikanan",
    "Tenaga Kerja",
    "Kebudayaan",
    "Perpustakaan dan Kearsipan",
    "Pemadam Kebakaran",
]
OPD_BODIES = [
    "Badan Perencanaan Pembangunan Daerah",
    "Badan Pengelola Keuangan dan Aset Daerah",
    "Badan Kepegawaian Daerah",
    "Badan Penanggulangan Bencana Daerah",
    "Inspektorat",
    "Sekretariat Daerah",
    "Sekretariat DPRD",
    "Satuan Polisi Pamong Praja",
    "Rumah Sakit Umum Daerah",
]
RUP_ITEMS = [
    "Belanja Alat Tulis Kantor",
    "Belanja Makanan dan Minuman Rapat",
    "Belanja Pakaian Dinas",
    "Belanja Cetak dan Penggandaan",
    "Belanja Perlengkapan Kebersihan",
    "Belanja Suvenir",
    "Belanja Bibit dan Pupuk",
    "Belanja Mebel",
    "Belanja Jasa Kegiatan",
    "Belanja Bahan Bangunan",
]


# --- COPY helpers ----------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format (``\\N`` is NULL)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).translate(_ESCAPES)


@dataclass
class Table:
    """The COPY column list of a model: the columns we generate plus constant defaults for the rest.

    Fields added to a model later (by other work) get their model default, so the
    generator keeps working without knowing them; a new required field without a
    default stops it with a clear message.
    """

    model: type[models.Model]
    columns: list[str]

    def __post_init__(self):
        self.extra: list[tuple[str, str]] = []
        for field in self.model._meta.concrete_fields:
            if field.column in self.columns or isinstance(field, models.GeneratedField):
                continue
            if field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            elif field.blank and isinstance(field, models.CharField | models.TextField | models.FileField):
                value = ""
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = "2000-01-01 00:00:00+00"
            else:
                raise RuntimeError(
                    f"seed_national: no value for required field {self.model.__name__}.{field.name}"
                )
            if isinstance(value, models.Model):
                value = value.pk
            self.extra.append((field.column, copy_text(value)))
        self.suffix = "".join("\t" + v for _, v in self.extra)

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def copy_sql(self) -> str:
        cols = ", ".join(f'"{c}"' for c in self.columns + [c for c, _ in self.extra])
        return f'COPY "{self.table}" ({cols}) FROM STDIN'

    def line(self, values) -> str:
        return "\t".join(map(copy_text, values)) + self.suffix + "\n"


class Progress:
    """A one-line text progress bar on stderr (no dependency)."""

    def __init__(self, label: str, total: int, stream=None, width: int = 30):
        self.label, self.total, self.width = label, max(total, 1), width
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.last = 0.0
        self.done = 0

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if now - self.last < 0.5 and done < self.total:
            return
        self.last = now
        frac = min(done / self.total, 1.0)
        bar = "#" * int(frac * self.width) + "-" * (self.width - int(frac * self.width))
        elapsed = now - self.start
        rate = done / elapsed if elapsed > 0 else 0
        self.stream.write(
            f"\r{self.label:<22} [{bar}] {frac * 100:5.1f}% {done:>10,}/{self.total:,} {rate:>9,.0f}/s {elapsed:6.1f}s"
        )
        self.stream.flush()

    def finish(self) -> float:
        self.last = 0.0
        self.update(self.total if self.done < self.total else self.done)
        self.stream.write("\n")
        self.stream.flush()
        return time.monotonic() - self.start


class CopyWriter:
    """Streams rows into one ``COPY ... FROM STDIN`` in ~1 MB chunks."""

    CHUNK = 1 << 20

    def __init__(self, cursor, table: Table, total: int, label: str):
        self.table, self.cursor = table, cursor
        self.progress = Progress(label, total)
        self.buffer: list[str] = []
        self.size = 0
        self.count = 0

    def __enter__(self):
        self._copy_cm = self.cursor.copy(self.table.copy_sql())
        self.copy = self._copy_cm.__enter__()
        return self

    def write(self, values) -> None:
        line = self.table.line(values)
        self.buffer.append(line)
        self.size += len(line)
        self.count += 1
        if self.size >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.copy.write("".join(self.buffer))
            self.buffer, self.size = [], 0
        self.progress.update(self.count)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.flush()
        result = self._copy_cm.__exit__(exc_type, exc, tb)
        if exc_type is None:
            self.progress.finish()
        return result


# --- Invariants (seed_national and bench/chaos.py) -------------------------------------------

INVARIANT_QUERIES: dict[str, str] = {
    "produk dengan stok negatif": "SELECT count(*) FROM catalog_product WHERE stock < 0",
    "produk yang salinan data penyedianya tidak sama dengan penyedia": """
        SELECT count(*) FROM catalog_product p JOIN catalog_vendor v ON v.id = p.vendor_id
        WHERE p.vendor_public <> (v.status = 'verified') OR p.vendor_scale <> v.scale
           OR p.vendor_kecamatan_id IS DISTINCT FROM v.kecamatan_id""",
    "paket RUP melebihi pagu": "SELECT count(*) FROM procurement_ruppackage WHERE committed + spent > pagu",
    "paket RUP dengan terikat/terbayar tidak sesuai pesanan": """
        SELECT count(*) FROM procurement_ruppackage r
        LEFT JOIN (
            SELECT rup_package_id,
                   sum(total) FILTER (WHERE status IN ('pending_approval','sent','negotiating','accepted',
                                                      'shipped','partially_received','received')) AS open,
                   sum(total) FILTER (WHERE status IN ('paid','completed')) AS paid
            FROM procurement_order GROUP BY rup_package_id
        ) o ON o.rup_package_id = r.id
        WHERE r.committed <> coalesce(o.open, 0) OR r.spent <> coalesce(o.paid, 0)""",
    "pesanan tanpa baris": """
        SELECT count(*) FROM procurement_order o
        WHERE o.status <> 'draft' AND NOT EXISTS (SELECT 1 FROM procurement_orderline l WHERE l.order_id = o.id)""",
    "pesanan dengan total tidak sama dengan jumlah baris": """
        SELECT count(*) FROM procurement_order o
        JOIN (SELECT order_id, sum(line_total) AS s FROM procurement_orderline GROUP BY order_id) l
          ON l.order_id = o.id
        WHERE o.subtotal <> l.s OR o.total <> o.subtotal + o.ppn_amount""",
    "pesanan yang status-nya tidak sama dengan jejak audit terakhir": """
        SELECT count(*) FROM procurement_order o
        LEFT JOIN LATERAL (
            SELECT e.to_status FROM procurement_orderevent e WHERE e.order_id = o.id
            ORDER BY e.created_at DESC, e.id DESC LIMIT 1
        ) last ON true
        WHERE last.to_status IS DISTINCT FROM o.status AND NOT (o.status = 'draft' AND last.to_status IS NULL)""",
    "OPD tanpa anggaran pada tahun pesanannya": """
        SELECT count(*) FROM (SELECT DISTINCT opd_id, fiscal_year FROM procurement_order) o
        WHERE NOT EXISTS (SELECT 1 FROM procurement_budget b
                          WHERE b.opd_id = o.opd_id AND b.fiscal_year = o.fiscal_year)""",
}


def check_invariants(cursor) -> dict[str, int]:
    """Count the violations of each invariant the app relies on (all zero on a healthy database)."""
    results = {}
    for label, sql in INVARIANT_QUERIES.items():
        cursor.execute(sql)
        results[label] = cursor.fetchone()[0]
    return results

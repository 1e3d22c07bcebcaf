"""Reference and demo data for Kota Batu, used by ``manage.py seed_demo``.

Reference data (kecamatan, desa/kelurahan, OPDs, the category tree) is real or
close to it; vendors and products are generated from the word lists below
with a fixed random seed, so every run builds the same demo.
"""

# Kota Batu (35.79): kecamatan code → (name, [(kind, desa/kelurahan), ...]); 24 in all.
KECAMATAN = {
    "35.79.01": (
        "Batu",
        [
            ("kelurahan", "Ngaglik"),
            ("kelurahan", "Sisir"),
            ("kelurahan", "Songgokerto"),
            ("kelurahan", "Temas"),
            ("desa", "Oro-Oro Ombo"),
            ("desa", "Pesanggrahan"),
            ("desa", "Sidomulyo"),
            ("desa", "Sumberejo"),
        ],
    ),
    "35.79.02": (
        "Junrejo",
        [
            ("kelurahan", "Dadaprejo"),
            ("desa", "Beji"),
            ("desa", "Junrejo"),
            ("desa", "Mojorejo"),
            ("desa", "Pendem"),
            ("desa", "Tlekung"),
            ("desa", "Torongrejo"),
        ],
    ),
    "35.79.03": (
        "Bumiaji",
        [
            ("desa", "Bulukerto"),
            ("desa", "Bumiaji"),
            ("desa", "Giripurno"),
            ("desa", "Gunungsari"),
            ("desa", "Pandanrejo"),
            ("desa", "Punten"),
            ("desa", "Sumberbrantas"),
            ("desa", "Sumbergondo"),
            ("desa", "Tulungrejo"),
        ],
    ),
}

# OPDs of the Pemerintah Kota Batu: (code, name, short name, kind).
OPDS = [
    ("4.01.01", "Sekretariat Daerah", "Setda", "sekretariat"),
    ("4.02.01", "Sekretariat DPRD", "Setwan", "sekretariat"),
    ("6.01.01", "Inspektorat", "Inspektorat", "inspektorat"),
    (
        "5.01.01",
        "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah",
        "Bappelitbangda",
        "badan",
    ),
    ("5.02.01", "Badan Pengelola Keuangan dan Aset Daerah", "BPKAD", "badan"),
    ("5.02.02", "Badan Pendapatan Daerah", "Bapenda", "badan"),
    ("5.03.01", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM", "badan"),
    ("1.05.02", "Badan Penanggulangan Bencana Daerah", "BPBD", "badan"),
    ("8.01.01", "Badan Kesatuan Bangsa dan Politik", "Bakesbangpol", "badan"),
    ("1.05.01", "Satuan Polisi Pamong Praja", "Satpol PP", "satpol"),
    ("1.01.01", "Dinas Pendidikan", "Dispendik", "dinas"),
    ("1.02.01", "Dinas Kesehatan", "Dinkes", "dinas"),
    ("1.02.02", "RSUD Karsa Husada", "RSUD Karsa Husada", "rsud"),
    ("1.03.01", "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR", "dinas"),
    ("1.04.01", "Dinas Perumahan dan Kawasan Permukiman", "Disperkim", "dinas"),
    ("2.11.01", "Dinas Lingkungan Hidup", "DLH", "dinas"),
    ("1.06.01", "Dinas Sosial", "Dinsos", "dinas"),
    (
        "2.08.01",
        "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana",
        "DP3AP2KB",
        "dinas",
    ),
    ("2.12.01", "Dinas Kependudukan dan Pencatatan Sipil", "Dispendukcapil", "dinas"),
    ("2.15.01", "Dinas Perhubungan", "Dishub", "dinas"),
    ("2.16.01", "Dinas Komunikasi dan Informatika", "Diskominfo", "dinas"),
    ("2.17.01", "Dinas Koperasi dan Usaha Mikro", "Diskop UM", "dinas"),
    ("2.18.01", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", "dinas"),
    ("2.19.01", "Dinas Pemuda dan Olahraga", "Dispora", "dinas"),
    ("3.26.01", "Dinas Pariwisata", "Disparta", "dinas"),
    ("2.23.01", "Dinas Perpustakaan dan Kearsipan", "Dispussip", "dinas"),
    ("3.27.01", "Dinas Pertanian", "Dispertan", "dinas"),
    ("2.09.01", "Dinas Ketahanan Pangan", "DKP", "dinas"),
    ("2.07.01", "Dinas Tenaga Kerja", "Disnaker", "dinas"),
    ("3.31.01", "Dinas Perdagangan", "Disdag", "dinas"),
    ("2.13.01", "Dinas Pemberdayaan Masyarakat dan Desa", "DPMD", "dinas"),
    ("7.01.01", "Kecamatan Batu", "Kec. Batu", "kecamatan"),
    ("7.01.02", "Kecamatan Bumiaji", "Kec. Bumiaji", "kecamatan"),
    ("7.01.03", "Kecamatan Junrejo", "Kec. Junrejo", "kecamatan"),
]
BUYER_OPD_CODE = "2.17.01"  # Dinas Koperasi dan Usaha Mikro: the demo buyer's OPD

# Category tree: (name, slug, [(child name, child slug), ...]).
CATEGORIES = [
    (
        "Makanan & Minuman",
        "makanan-minuman",
        [
            ("Olahan Apel", "olahan-apel"),
            ("Keripik & Camilan", "keripik-camilan"),
            ("Minuman & Sari Buah", "minuman-sari-buah"),
            ("Kopi & Teh", "kopi-teh"),
            ("Kue & Roti", "kue-roti"),
        ],
    ),
    (
        "Konsumsi Rapat",
        "konsumsi-rapat",
        [("Nasi Kotak", "nasi-kotak"), ("Snack Box", "snack-box"), ("Prasmanan", "prasmanan")],
    ),
    (
        "Alat Tulis Kantor",
        "atk",
        [("Kertas", "kertas"), ("Alat Tulis", "alat-tulis"), ("Map & Arsip", "map-arsip")],
    ),
    (
        "Kerajinan & Souvenir",
        "kerajinan-souvenir",
        [
            ("Souvenir Khas Batu", "souvenir-khas-batu"),
            ("Anyaman & Bambu", "anyaman-bambu"),
            ("Kerajinan Kayu", "kerajinan-kayu"),
        ],
    ),
    (
        "Pakaian & Seragam",
        "pakaian-seragam",
        [("Seragam Dinas", "seragam-dinas"), ("Batik Batu", "batik-batu"), ("Kaos", "kaos")],
    ),
    (
        "Pertanian & Hortikultura",
        "pertanian-hortikultura",
        [
            ("Bibit & Benih", "bibit-benih"),
            ("Pupuk Organik", "pupuk-organik"),
            ("Sayur & Buah Segar", "sayur-buah-segar"),
            ("Bunga & Tanaman Hias", "bunga-tanaman-hias"),
        ],
    ),
    (
        "Jasa Cetak",
        "jasa-cetak",
        [
            ("Spanduk & Banner", "spanduk-banner"),
            ("Undangan & Brosur", "undangan-brosur"),
            ("Buku & Laporan", "buku-laporan"),
        ],
    ),
    (
        "Kebersihan",
        "kebersihan",
        [("Alat Kebersihan", "alat-kebersihan"), ("Sabun & Deterjen", "sabun-deterjen")],
    ),
    (
        "Peralatan Kantor",
        "peralatan-kantor",
        [("Perabot Kantor", "perabot-kantor"), ("Perlengkapan Rapat", "perlengkapan-rapat")],
    ),
    (
        "Jasa",
        "jasa",
        [("Katering", "katering"), ("Dekorasi & Tenda", "dekorasi-tenda"), ("Dokumentasi", "dokumentasi")],
    ),
]

# Colours of the generated photos, one per top-level category.
CATEGORY_COLOURS = {
    "makanan-minuman": (220, 38, 38),
    "konsumsi-rapat": (234, 88, 12),
    "atk": (37, 99, 235),
    "kerajinan-souvenir": (161, 98, 7),
    "pakaian-seragam": (124, 58, 237),
    "pertanian-hortikultura": (22, 163, 74),
    "jasa-cetak": (219, 39, 119),
    "kebersihan": (8, 145, 178),
    "peralatan-kantor": (71, 85, 105),
    "jasa": (13, 148, 136),
}

# Per leaf category: units (cheapest packaging first: the price picks the unit), price
# range (Rp), base names, variants, specification makers.
# Spec entries are (key, [possible values]).
PRODUCTS = {
    "olahan-apel": {
        "unit": ["pack", "botol", "box"],
        "price": (15_000, 85_000),
        "names": [
            "Keripik Apel",
            "Dodol Apel",
            "Jenang Apel",
            "Selai Apel",
            "Cuka Apel",
            "Strudel Apel",
            "Pia Apel",
            "Brownies Apel",
            "Manisan Apel",
            "Bakpia Apel",
        ],
        "variants": ["Manalagi", "Rome Beauty", "Anna", "Original", "Premium", "Madu", "Kayu Manis", "Mini"],
        "specs": [
            ("Berat bersih", ["100 g", "200 g", "250 g", "500 g"]),
            ("Masa simpan", ["3 bulan", "6 bulan", "12 bulan"]),
            ("Izin", ["PIRT", "PIRT & Halal MUI", "BPOM MD"]),
            ("Kemasan", ["Standing pouch", "Kotak kardus", "Toples"]),
        ],
    },
    "keripik-camilan": {
        "unit": ["pack", "kg", "box"],
        "price": (10_000, 120_000),
        "names": [
            "Keripik Kentang",
            "Keripik Tempe",
            "Keripik Nangka",
            "Keripik Salak",
            "Keripik Singkong",
            "Kacang Mede",
            "Emping Melinjo",
            "Rempeyek Kacang",
            "Sale Pisang",
            "Stik Ubi Ungu",
        ],
        "variants": ["Balado", "Original", "Pedas Manis", "Keju", "Rumput Laut", "Bawang", "Jagung Bakar"],
        "specs": [
            ("Berat bersih", ["150 g", "250 g", "500 g", "1 kg"]),
            ("Masa simpan", ["2 bulan", "4 bulan", "6 bulan"]),
            ("Izin", ["PIRT", "PIRT & Halal MUI"]),
        ],
    },
    "minuman-sari-buah": {
        "unit": ["botol", "dus", "krat"],
        "price": (8_000, 180_000),
        "names": [
            "Sari Apel",
            "Sari Jeruk Keprok",
            "Sirup Apel",
            "Minuman Jahe Merah",
            "Wedang Uwuh",
            "Susu Sapi Segar",
            "Yoghurt",
            "Sari Markisa",
            "Kombucha Apel",
            "Sari Stroberi",
        ],
        "variants": ["250 ml", "330 ml", "500 ml", "1 liter", "Tanpa Gula", "Rendah Gula", "Isi 24"],
        "specs": [
            ("Volume", ["250 ml", "330 ml", "500 ml", "1 liter"]),
            ("Masa simpan", ["7 hari", "3 bulan", "12 bulan"]),
            ("Izin", ["PIRT", "BPOM MD", "Halal MUI"]),
        ],
    },
    "kopi-teh": {
        "unit": ["pack", "kg", "box"],
        "price": (25_000, 250_000),
        "names": [
            "Kopi Arabika Panderman",
            "Kopi Robusta Bumiaji",
            "Kopi Bubuk",
            "Teh Hijau",
            "Teh Daun Apel",
            "Kopi Luwak",
            "Teh Rosella",
            "Kopi Biji Sangrai",
        ],
        "variants": [
            "Medium Roast",
            "Dark Roast",
            "Giling Halus",
            "Biji Utuh",
            "Celup isi 25",
            "200 g",
            "1 kg",
        ],
        "specs": [
            ("Berat bersih", ["100 g", "200 g", "250 g", "1 kg"]),
            ("Ketinggian kebun", ["1.100 mdpl", "1.300 mdpl", "1.500 mdpl"]),
            ("Proses", ["Natural", "Full wash", "Honey"]),
        ],
    },
    "kue-roti": {
        "unit": ["pcs", "box", "loyang"],
        "price": (5_000, 200_000),
        "names": [
            "Roti Manis",
            "Bolu Kukus",
            "Lapis Legit",
            "Kue Lumpur",
            "Nastar",
            "Kastengel",
            "Brownies Kukus",
            "Roti Tawar",
            "Kue Lapis Surabaya",
            "Pukis",
        ],
        "variants": ["Pandan", "Cokelat", "Keju", "Apel", "Isi 10", "Isi 20", "Ukuran 20x20"],
        "specs": [
            ("Isi", ["6 pcs", "10 pcs", "20 pcs", "1 loyang"]),
            ("Tahan", ["2 hari", "5 hari", "2 minggu"]),
            ("Izin", ["PIRT", "PIRT & Halal MUI"]),
        ],
    },
    "nasi-kotak": {
        "unit": ["kotak"],
        "price": (18_000, 55_000),
        "names": [
            "Nasi Kotak Ayam Bakar",
            "Nasi Kotak Ayam Goreng",
            "Nasi Kotak Rendang",
            "Nasi Kotak Empal",
            "Nasi Kuning Kotak",
            "Nasi Pecel Kotak",
            "Nasi Kotak Ikan Bakar",
            "Nasi Liwet Kotak",
        ],
        "variants": ["Paket Hemat", "Paket Rapat", "Paket Komplit", "+ Buah", "+ Air Mineral"],
        "specs": [
            ("Lauk", ["Ayam, tempe, sambal", "Daging, perkedel, sayur", "Ikan, tahu, lalapan"]),
            ("Pelengkap", ["Kerupuk, buah", "Air mineral 330 ml", "Sambal terpisah"]),
            ("Pemesanan", ["H-1", "H-2", "Hari yang sama (maks. 50 kotak)"]),
        ],
    },
    "snack-box": {
        "unit": ["box"],
        "price": (8_000, 30_000),
        "names": [
            "Snack Box Rapat",
            "Snack Box Tradisional",
            "Snack Box Premium",
            "Snack Box Sehat",
            "Kue Basah Box",
        ],
        "variants": ["Isi 3", "Isi 4", "Isi 5", "+ Air Mineral", "Jajan Pasar"],
        "specs": [
            ("Isi", ["3 kue + air mineral", "4 kue", "5 kue + teh kotak"]),
            ("Pemesanan", ["H-1", "H-2"]),
        ],
    },
    "prasmanan": {
        "unit": ["porsi", "paket"],
        "price": (35_000, 120_000),
        "names": [
            "Prasmanan Menu Nusantara",
            "Prasmanan Menu Jawa Timur",
            "Prasmanan Menu Ikan",
            "Prasmanan Vegetarian",
        ],
        "variants": ["Min. 50 porsi", "Min. 100 porsi", "Paket A", "Paket B", "Paket VIP"],
        "specs": [
            ("Menu", ["Nasi, 2 lauk, sayur, buah", "Nasi, 3 lauk, sup, es buah", "Nasi, rawon, pudding"]),
            ("Termasuk", ["Peralatan saji", "Pramusaji", "Peralatan saji & pramusaji"]),
        ],
    },
    "kertas": {
        "unit": ["pack", "rim", "box"],
        "price": (35_000, 350_000),
        "names": [
            "Kertas HVS",
            "Kertas Folio",
            "Kertas Buffalo",
            "Kertas Foto",
            "Kertas Concorde",
            "Kertas Sertifikat",
            "Kertas Continuous Form",
            "Kertas Label",
        ],
        "variants": ["A4 70 gsm", "A4 80 gsm", "F4 70 gsm", "F4 80 gsm", "Warna", "Glossy", "Isi 500 lembar"],
        "specs": [
            ("Ukuran", ["A4", "F4", "A3"]),
            ("Gramatur", ["70 gsm", "80 gsm", "180 gsm", "230 gsm"]),
            ("Isi", ["100 lembar", "250 lembar", "500 lembar"]),
        ],
    },
    "alat-tulis": {
        "unit": ["pcs", "pack", "lusin", "box"],
        "price": (2_000, 150_000),
        "names": [
            "Pulpen",
            "Pensil",
            "Spidol Whiteboard",
            "Stabilo",
            "Penghapus",
            "Tinta Printer",
            "Isi Staples",
            "Correction Tape",
            "Penggaris Besi",
            "Lem Kertas",
            "Gunting Kertas",
            "Toner Printer",
        ],
        "variants": ["Hitam", "Biru", "Merah", "Isi 12", "Isi 24", "Refill", "2B", "Ukuran 30 cm"],
        "specs": [
            ("Warna", ["Hitam", "Biru", "Merah", "Campur"]),
            ("Isi", ["1 pcs", "12 pcs", "24 pcs"]),
            ("Merek", ["Lokal", "Joyko", "Kenko", "Standard"]),
        ],
    },
    "map-arsip": {
        "unit": ["pcs", "pack", "lusin"],
        "price": (3_000, 95_000),
        "names": [
            "Map Plastik",
            "Map Kertas",
            "Ordner",
            "Box File",
            "Map Snelhecter",
            "Clear Holder",
            "Stopmap Batik",
        ],
        "variants": ["Folio", "A4", "Logo Pemkot", "Biru", "Merah", "Isi 12", "Bahan Tebal"],
        "specs": [
            ("Ukuran", ["Folio", "A4"]),
            ("Bahan", ["Plastik PP", "Kertas karton", "Karton tebal"]),
            ("Isi", ["1 pcs", "12 pcs", "50 pcs"]),
        ],
    },
    "souvenir-khas-batu": {
        "unit": ["pcs", "lusin", "paket"],
        "price": (10_000, 350_000),
        "names": [
            "Gantungan Kunci Apel",
            "Miniatur Apel",
            "Tumbler Logo Kota Batu",
            "Mug Keramik Batu",
            "Plakat Kayu",
            "Pin Logo",
            "Tas Kain Batik Batu",
            "Kotak Hampers Produk Batu",
        ],
        "variants": [
            "Custom Logo OPD",
            "Kemasan Eksklusif",
            "Set isi 5",
            "Resin",
            "Kayu Pinus",
            "Grafir Nama",
        ],
        "specs": [
            ("Bahan", ["Resin", "Kayu pinus", "Keramik", "Stainless", "Kain kanvas"]),
            ("Kustomisasi", ["Logo & nama", "Logo saja", "Tidak"]),
            ("Min. produksi", ["3 hari", "7 hari", "14 hari"]),
        ],
    },
    "anyaman-bambu": {
        "unit": ["pcs", "set"],
        "price": (15_000, 450_000),
        "names": [
            "Besek Bambu",
            "Tampah",
            "Keranjang Parsel",
            "Kap Lampu Bambu",
            "Tempat Tisu Anyaman",
            "Tas Anyaman Pandan",
        ],
        "variants": ["Kecil", "Sedang", "Besar", "Set isi 3", "Natural", "Pewarna Alami"],
        "specs": [
            ("Bahan", ["Bambu apus", "Bambu wulung", "Pandan", "Mendong"]),
            ("Ukuran", ["20 cm", "30 cm", "40 cm"]),
        ],
    },
    "kerajinan-kayu": {
        "unit": ["pcs", "set"],
        "price": (25_000, 1_500_000),
        "names": [
            "Papan Nama Meja",
            "Rak Buku Kayu",
            "Jam Dinding Kayu",
            "Nampan Kayu",
            "Kotak Tisu Kayu",
            "Vandel Kayu",
        ],
        "variants": [
            "Jati Belanda",
            "Mahoni",
            "Pinus",
            "Grafir Logo",
            "Finishing Natural",
            "Finishing Gelap",
        ],
        "specs": [
            ("Bahan", ["Jati belanda", "Mahoni", "Pinus"]),
            ("Finishing", ["Natural", "Melamin", "Politur"]),
        ],
    },
    "seragam-dinas": {
        "unit": ["pcs", "stel"],
        "price": (150_000, 650_000),
        "names": [
            "Seragam PDH",
            "Seragam PDL",
            "Kemeja Dinas Putih",
            "Rompi Lapangan",
            "Jaket Dinas",
            "Seragam Linmas",
        ],
        "variants": ["Pria", "Wanita", "Bordir Nama", "Drill American", "Ukuran S–XXL", "Lengan Panjang"],
        "specs": [
            ("Bahan", ["Drill", "American drill", "Oxford", "Taslan"]),
            ("Ukuran", ["S–XXL", "M–XXXL", "Custom"]),
            ("Jahit", ["Konveksi lokal", "Penjahit UMKM"]),
        ],
    },
    "batik-batu": {
        "unit": ["pcs", "potong", "lembar"],
        "price": (125_000, 1_250_000),
        "names": ["Kemeja Batik Tulis", "Kemeja Batik Cap", "Kain Batik", "Blus Batik", "Batik Seragam OPD"],
        "variants": [
            "Motif Apel",
            "Motif Gunung Panderman",
            "Motif Sandi Kota Batu",
            "Motif Bunga Krisan",
            "Pewarna Alam",
            "Lengan Pendek",
            "Lengan Panjang",
        ],
        "specs": [
            ("Teknik", ["Tulis", "Cap", "Kombinasi"]),
            ("Bahan", ["Katun primisima", "Katun prima", "Sutra"]),
            ("Ukuran", ["2 m × 1,15 m", "S–XXL"]),
        ],
    },
    "kaos": {
        "unit": ["pcs", "lusin"],
        "price": (45_000, 175_000),
        "names": ["Kaos Sablon", "Kaos Polo", "Kaos Olahraga", "Kaos Event", "Kaos Kerah Bordir"],
        "variants": [
            "Cotton Combed 24s",
            "Cotton Combed 30s",
            "Lacoste",
            "Dry-fit",
            "Sablon Plastisol",
            "Bordir Logo",
        ],
        "specs": [
            ("Bahan", ["Cotton combed 24s", "Cotton combed 30s", "Lacoste CVC", "Dry-fit"]),
            ("Ukuran", ["S–XXL", "Anak & dewasa"]),
            ("Sablon", ["Plastisol", "Rubber", "DTF", "Bordir"]),
        ],
    },
    "bibit-benih": {
        "unit": ["polybag", "batang", "pack"],
        "price": (2_500, 75_000),
        "names": [
            "Bibit Apel",
            "Bibit Jeruk Keprok Batu 55",
            "Benih Kentang",
            "Bibit Stroberi",
            "Benih Wortel",
            "Bibit Alpukat",
            "Bibit Kopi Arabika",
            "Benih Kubis",
        ],
        "variants": ["Manalagi", "Anna", "Okulasi", "Sambung Pucuk", "Siap Tanam", "Unggul"],
        "specs": [
            ("Tinggi", ["30 cm", "50 cm", "80 cm"]),
            ("Sertifikat", ["BPSB Jatim", "Tidak bersertifikat"]),
            ("Media", ["Polybag", "Tray"]),
        ],
    },
    "pupuk-organik": {
        "unit": ["kg", "liter", "sak"],
        "price": (15_000, 180_000),
        "names": [
            "Pupuk Kompos",
            "Pupuk Kandang Fermentasi",
            "Pupuk Organik Cair",
            "Kascing",
            "Pupuk Bokashi",
        ],
        "variants": ["25 kg", "40 kg", "1 liter", "5 liter", "Granul", "Curah"],
        "specs": [
            ("Kemasan", ["Sak 25 kg", "Sak 40 kg", "Jeriken 5 liter"]),
            ("Bahan", ["Kotoran sapi", "Sisa sayur", "Cacing"]),
        ],
    },
    "sayur-buah-segar": {
        "unit": ["ikat", "kg", "peti"],
        "price": (5_000, 250_000),
        "names": [
            "Apel Manalagi",
            "Apel Anna",
            "Jeruk Keprok Batu",
            "Kentang",
            "Wortel",
            "Kubis",
            "Stroberi",
            "Tomat",
            "Brokoli",
            "Sawi Putih",
            "Jambu Kristal",
        ],
        "variants": ["Grade A", "Grade B", "Segar Petik Pagi", "Organik", "Peti 20 kg", "Curah"],
        "specs": [
            ("Asal kebun", ["Bumiaji", "Tulungrejo", "Sumberbrantas", "Punten", "Tlekung"]),
            ("Grade", ["A", "B", "Super"]),
        ],
    },
    "bunga-tanaman-hias": {
        "unit": ["batang", "ikat", "pot"],
        "price": (10_000, 650_000),
        "names": [
            "Bunga Krisan",
            "Mawar Potong",
            "Anggrek Dendrobium",
            "Tanaman Hias Pot",
            "Rangkaian Bunga Meja",
            "Papan Bunga Ucapan",
            "Monstera",
            "Bonsai",
        ],
        "variants": ["Putih", "Kuning", "Merah", "Ukuran Besar", "Meja Rapat", "Duka Cita", "Selamat"],
        "specs": [
            ("Asal", ["Sidomulyo", "Gunungsari", "Tulungrejo"]),
            ("Ukuran", ["Kecil", "Sedang", "Besar"]),
        ],
    },
    "spanduk-banner": {
        "unit": ["meter", "pcs"],
        "price": (20_000, 450_000),
        "names": ["Cetak Spanduk", "Cetak Banner", "X-Banner", "Roll-Up Banner", "Baliho", "Umbul-Umbul"],
        "variants": [
            "Flexi 280 gsm",
            "Flexi 340 gsm",
            "Albatros",
            "Luster",
            "Ukuran 60×160",
            "Termasuk Rangka",
        ],
        "specs": [
            ("Bahan", ["Flexi china 280 gsm", "Flexi korea 440 gsm", "Albatros"]),
            ("Resolusi", ["720 dpi", "1.440 dpi"]),
            ("Finishing", ["Mata ayam", "Selongsong", "Lebihan bahan"]),
        ],
    },
    "undangan-brosur": {
        "unit": ["lembar", "pcs", "rim"],
        "price": (500, 250_000),
        "names": [
            "Cetak Brosur",
            "Cetak Undangan",
            "Cetak Leaflet",
            "Cetak Kartu Nama",
            "Cetak Stiker",
            "Cetak Sertifikat",
        ],
        "variants": ["A4 Art Paper 150 gsm", "A5", "Lipat 3", "Full Color", "Laminasi Doff", "Isi 100"],
        "specs": [
            ("Kertas", ["Art paper 150 gsm", "Art carton 260 gsm", "HVS 80 gsm"]),
            ("Warna", ["Full color", "1 warna"]),
        ],
    },
    "buku-laporan": {
        "unit": ["eksemplar", "pcs"],
        "price": (15_000, 350_000),
        "names": [
            "Cetak Buku Laporan",
            "Cetak Agenda",
            "Jilid Soft Cover",
            "Jilid Hard Cover",
            "Cetak Kalender Dinding",
            "Cetak Buku Profil OPD",
        ],
        "variants": ["A4 100 halaman", "A5", "Full Color", "Spiral", "Emboss Logo", "Tahun 2025"],
        "specs": [
            ("Ukuran", ["A4", "A5", "B5"]),
            ("Sampul", ["Soft cover", "Hard cover", "Spiral"]),
            ("Isi", ["HVS 70 gsm", "HVS 80 gsm", "Art paper 120 gsm"]),
        ],
    },
    "alat-kebersihan": {
        "unit": ["pcs", "set", "lusin"],
        "price": (5_000, 350_000),
        "names": [
            "Sapu Ijuk",
            "Sapu Lidi",
            "Alat Pel",
            "Kemoceng",
            "Tempat Sampah",
            "Sikat Lantai",
            "Serok Sampah",
            "Keset Sabut Kelapa",
        ],
        "variants": ["Gagang Panjang", "Kecil", "Besar", "Injak 30 liter", "Set isi 3", "Anyaman Lokal"],
        "specs": [
            ("Bahan", ["Ijuk", "Plastik", "Sabut kelapa", "Stainless"]),
            ("Ukuran", ["Kecil", "Sedang", "Besar"]),
        ],
    },
    "sabun-deterjen": {
        "unit": ["pcs", "botol", "liter", "jeriken"],
        "price": (5_000, 175_000),
        "names": [
            "Sabun Cuci Tangan",
            "Sabun Cuci Piring",
            "Deterjen Cair",
            "Pembersih Lantai",
            "Sabun Batang Herbal",
            "Hand Sanitizer",
            "Pewangi Ruangan",
        ],
        "variants": ["Aroma Apel", "Aroma Jeruk", "Sereh", "500 ml", "1 liter", "Jeriken 5 liter", "Refill"],
        "specs": [
            ("Volume", ["500 ml", "1 liter", "5 liter"]),
            ("Aroma", ["Apel", "Jeruk", "Sereh", "Lavender"]),
            ("Izin", ["PKRT", "Notifikasi BPOM"]),
        ],
    },
    "perabot-kantor": {
        "unit": ["unit", "set"],
        "price": (250_000, 4_500_000),
        "names": [
            "Meja Kerja",
            "Kursi Kantor",
            "Lemari Arsip Kayu",
            "Rak Besi",
            "Meja Rapat",
            "Papan Tulis",
            "Loker Pegawai",
        ],
        "variants": [
            "Kayu Jati",
            "Multiplek HPL",
            "Besi Powder Coating",
            "1/2 Biro",
            "Ukuran 120×60",
            "4 Pintu",
        ],
        "specs": [
            ("Bahan", ["Kayu jati", "Multiplek HPL", "Besi"]),
            ("Ukuran", ["120×60 cm", "160×80 cm", "Custom"]),
            ("Garansi", ["6 bulan", "1 tahun"]),
        ],
    },
    "perlengkapan-rapat": {
        "unit": ["pcs", "set", "unit"],
        "price": (15_000, 950_000),
        "names": [
            "Taplak Meja Rapat",
            "Papan Nama Peserta",
            "Dispenser Air",
            "Termos Air",
            "Cover Kursi",
            "Rok Meja",
        ],
        "variants": ["Satin", "Logo Pemkot", "Set isi 10", "Stainless", "Warna Krem", "Warna Biru"],
        "specs": [
            ("Bahan", ["Satin", "Akrilik", "Stainless", "Spandek"]),
            ("Isi", ["1 pcs", "10 pcs", "1 set"]),
        ],
    },
    "katering": {
        "unit": ["porsi", "paket"],
        "price": (25_000, 95_000),
        "names": ["Katering Harian Pegawai", "Katering Acara Dinas", "Katering Tamu VIP", "Katering Diklat"],
        "variants": ["Menu Harian", "Menu Mingguan", "Paket Sehat", "Paket Lengkap", "Min. 30 porsi"],
        "specs": [
            ("Menu", ["Nasi, lauk, sayur, buah", "Nasi, 2 lauk, sup, buah"]),
            ("Sertifikat", ["Laik higiene", "Halal MUI"]),
        ],
    },
    "dekorasi-tenda": {
        "unit": ["hari", "unit", "paket"],
        "price": (350_000, 9_500_000),
        "names": [
            "Sewa Tenda Sarnafil",
            "Dekorasi Panggung",
            "Sewa Kursi Futura",
            "Dekorasi Bunga Panggung",
            "Backdrop Acara",
            "Sewa Sound System",
        ],
        "variants": ["5×5 m", "10×10 m", "Paket 100 kursi", "Termasuk Pasang", "1 hari", "2 hari"],
        "specs": [
            ("Ukuran", ["5×5 m", "6×12 m", "10×10 m"]),
            ("Termasuk", ["Pemasangan", "Pemasangan & bongkar", "Kru 2 orang"]),
        ],
    },
    "dokumentasi": {
        "unit": ["jam", "hari", "paket"],
        "price": (500_000, 7_500_000),
        "names": [
            "Jasa Foto Kegiatan",
            "Jasa Video Dokumentasi",
            "Live Streaming Acara",
            "Video Profil OPD",
            "Foto Udara Drone",
        ],
        "variants": ["Setengah Hari", "1 Hari", "Termasuk Editing", "Paket Lengkap", "4K"],
        "specs": [
            ("Durasi", ["4 jam", "8 jam", "2 hari"]),
            ("Hasil", ["File digital", "Album cetak", "Video 3 menit"]),
        ],
    },
}

# Vendor name parts per top-level category (specialty).
VENDOR_WORDS = {
    "makanan-minuman": (
        ["UD", "CV", "KUB", "Rumah Produksi", "Koperasi"],
        [
            "Sari Apel",
            "Apel Rejo",
            "Brosem",
            "Kripik Bu Sri",
            "Lestari Rasa",
            "Panderman Food",
            "Kopi Arjuno",
            "Dapur Mbok Yem",
        ],
    ),
    "konsumsi-rapat": (
        ["Katering", "Dapur", "Rumah Makan", "UD"],
        ["Bu Sri", "Sedap Malam", "Rasa Nusantara", "Mbak Tutik", "Lezat Jaya", "Mawar Sari"],
    ),
    "atk": (
        ["Toko", "CV", "UD"],
        ["Sinar ATK", "Mandiri Stationery", "Cahaya Kantor", "Sumber Ilmu", "Rejeki Jaya"],
    ),
    "kerajinan-souvenir": (
        ["CV", "UD", "Sanggar", "KUB"],
        ["Batu Kreatif", "Kriya Panderman", "Anyaman Lestari", "Souvenir Apel", "Kayu Indah"],
    ),
    "pakaian-seragam": (
        ["Konveksi", "CV", "Batik", "Butik"],
        ["Arema Jaya", "Seragam Prima", "Batik Andhaka", "Tulis Tirto", "Sandang Mulia"],
    ),
    "pertanian-hortikultura": (
        ["Koperasi Tani", "Kelompok Tani", "UD", "CV"],
        ["Makmur", "Hijau Lestari", "Agro Batu", "Bibit Unggul", "Flora Indah", "Subur Tani"],
    ),
    "jasa-cetak": (
        ["Percetakan", "CV", "Digital Printing"],
        ["Mandiri", "Grafika Batu", "Cahaya Print", "Sinar Offset", "Kilat Cetak"],
    ),
    "kebersihan": (
        ["UD", "CV", "KUB"],
        ["Bersih Sejahtera", "Sabun Herbal Batu", "Resik Jaya", "Sapu Ijuk Pendem"],
    ),
    "peralatan-kantor": (
        ["CV", "UD", "Mebel"],
        ["Karya Kayu", "Jati Mulya", "Sarana Kantor", "Meubel Barokah"],
    ),
    "jasa": (
        ["CV", "EO", "UD"],
        ["Sinar Dekorasi", "Tenda Jaya", "Lensa Batu", "Kreasi Acara", "Gita Production"],
    ),
}

FIRST_NAMES = [
    "Sri", "Budi", "Siti", "Agus", "Dwi", "Eko", "Wahyu", "Endang", "Tri", "Rina", "Hadi", "Yuni", "Slamet",
    "Nur", "Ahmad", "Dewi", "Bambang", "Sugeng", "Lilik", "Indah", "Yusuf", "Anik", "Joko", "Ratna",
]  # fmt: skip
LAST_NAMES = [
    "Wahyuni", "Santoso", "Rahayu", "Prasetyo", "Lestari", "Hidayat", "Susanto", "Handayani", "Purnomo",
    "Setiawan", "Kurniawan", "Astuti", "Wibowo", "Suryani", "Haryanto", "Utami", "Saputra", "Maulana",
]  # fmt: skip
STREETS = [
    "Jl. Diponegoro", "Jl. Panglima Sudirman", "Jl. Brantas", "Jl. Imam Bonjol", "Jl. Dewi Sartika",
    "Jl. Raya Punten", "Jl. Raya Tlekung", "Jl. Raya Bumiaji", "Jl. Abdul Gani", "Jl. Hasanudin",
    "Jl. Agus Salim", "Jl. Semeru", "Jl. Arjuno", "Jl. Trunojoyo", "Jl. Ir. Soekarno", "Jl. Mojorejo",
]  # fmt: skip
BANKS = ["Bank Jatim", "BRI", "BNI", "Bank Mandiri", "BSI", "BCA", "BPR Batu"]

DESCRIPTION_TEMPLATES = [
    "{name} produksi {vendor} dari {place}, {city}. Dibuat oleh usaha lokal dengan bahan pilihan dan "
    "kualitas terjaga. Cocok untuk kebutuhan kantor dan kegiatan OPD.",
    "{name} buatan warga {place}. Pemesanan dalam jumlah besar untuk kegiatan dinas dilayani; "
    "pengiriman ke seluruh wilayah {city}.",
    "Produk unggulan {vendor}: {name}. Kualitas konsisten, harga bersaing, mendukung belanja produk "
    "lokal {city}. Bisa dibeli untuk rapat, pelatihan, dan acara resmi.",
]

# KBLI codes (5 digits, KBLI 2020) whose businesses fit each top-level category; vendors get the
# code of their specialty, and registration shows which categories a typed code opens.
CATEGORY_KBLI = {
    "makanan-minuman": "10792,10799,10313,11040,10761",
    "konsumsi-rapat": "56210,56102",
    "atk": "47613,17099",
    "kerajinan-souvenir": "32909,16299,13929",
    "pakaian-seragam": "14111,13134",
    "pertanian-hortikultura": "01135,01301,20122",
    "jasa-cetak": "18111,18112",
    "kebersihan": "20231,22299",
    "peralatan-kantor": "31001,47592",
    "jasa": "56210,82302,74202",
}

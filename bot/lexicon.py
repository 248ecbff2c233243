"""Word lists for Indonesian text processing: stopwords, informal spellings, phrases, synonyms,
and a small English-to-Indonesian glossary for questions asked in English.

Plain data, kept apart from the code that uses it so it can grow without touching logic.
"""

from __future__ import annotations

# Function words and question words. Deliberately short: words such as "akhir", "awal", "besar",
# "kerja" or "sendiri" carry meaning in news and stay searchable.
STOPWORDS = frozenset(
    """
    ada adakah adalah adanya agar akan akankah aku anda antara apa apaan apakah apabila apalagi
    atas atau ataukah ataupun bagaimana bagaimanakah bagi bahwa bahwasanya beberapa begini begitu
    berapa berapakah bila bilakah boleh bukan bukankah dalam dan dapat dari daripada dengan di dia
    dialah dimana dimanakah ialah itu itukah itulah ini inikah inilah jika juga kah kalau kami
    kamu kan kapan kapankah karena ke kenapa kepada ketika kita lah maka mana manakah masih mengapa
    meski mereka nya oleh pada padahal para pun saat saja saya se sebagai sebuah secara sedang
    sehingga sejak seorang seperti serta siapa siapakah suatu sudah supaya tapi telah tentang
    terhadap tersebut tetapi untuk walau yaitu yakni yang ya ia tolong dong deh sih kok nih tuh
    kah tah pun adakah bisakah apakah dimanakah kemana darimana
    what whats which who whom whose when where why how is are was were be been being do does did
    the a an of for to in on at by with about from into and or but that this these those it its
    there their they them he she his her i me my you your we our can could would should will
    shall may might must has have had much many any some tell please say said says
    """.split()
)

# Informal spellings and chat abbreviations, mapped to the standard word (or words).
SLANG: dict[str, str] = {
    "yg": "yang", "gmn": "bagaimana", "gimana": "bagaimana", "bgmn": "bagaimana",
    "tdk": "tidak", "gak": "tidak", "ga": "tidak", "gk": "tidak", "nggak": "tidak",
    "enggak": "tidak", "ngga": "tidak", "kagak": "tidak", "bikin": "buat", "bkn": "bukan",
    "ngomong": "kata", "ngomongin": "bicara", "bilang": "kata", "udh": "sudah", "udah": "sudah",
    "sdh": "sudah", "blm": "belum", "dgn": "dengan", "dg": "dengan", "utk": "untuk",
    "untk": "untuk", "krn": "karena", "karna": "karena", "tp": "tapi", "jg": "juga",
    "aja": "saja", "sj": "saja", "bgt": "sekali", "kyk": "seperti", "kayak": "seperti",
    "kaya": "seperti", "dr": "dari", "pd": "pada", "kpn": "kapan", "brp": "berapa",
    "sbg": "sebagai", "dlm": "dalam", "org": "orang", "negri": "negeri", "knp": "mengapa",
    "ngapain": "apa", "sm": "sama", "tsb": "tersebut", "spt": "seperti", "sy": "saya",
    "gw": "saya", "gue": "saya", "aku": "saya", "lu": "kamu", "lo": "kamu", "emang": "memang",
    "bener": "benar", "gede": "besar", "ngasih": "beri", "kasih": "beri", "dapet": "dapat",
    "pake": "pakai", "nyari": "cari", "ngembangin": "kembang", "ngelawan": "lawan",
    "satgas": "satuan tugas", "pemerintahnya": "pemerintah", "duit": "uang", "tahu2": "tahu",
    "ama": "sama", "skrg": "sekarang", "skrang": "sekarang", "thn": "tahun", "th": "tahun",
    "bln": "bulan", "hr": "hari", "jd": "jadi", "jdi": "jadi", "klo": "kalau", "kalo": "kalau",
    "lg": "lagi", "trs": "terus", "msh": "masih", "mrk": "mereka", "ttg": "tentang",
    "tentg": "tentang", "apaan": "apa", "siapa2": "siapa", "gimanakah": "bagaimana",
    "dmn": "dimana", "mn": "mana", "bs": "bisa", "bsa": "bisa", "sampe": "sampai", "ampe": "sampai",
    "banget": "sekali", "cuman": "hanya", "cuma": "hanya", "doang": "saja", 
    "nanya": "tanya", "nyebut": "sebut", "nyebutin": "sebut", "ngumumin": "umum",
    "ngeluncurin": "luncur", "luncurin": "luncur", "ngelarang": "larang", "rusiah": "rusia",
    "rusya": "rusia", "russia": "rusia", "putin's": "putin",
}

# Multi-word expressions that mean one thing; they add the term on the right.
PHRASES: dict[tuple[str, ...], str] = {
    ("kecerdasan", "buatan"): "ai",
    ("artificial", "intelligence"): "ai",
    ("amerika", "serikat"): "as",
    ("united", "states"): "as",
    ("gugus", "tugas"): "satuan",
    ("task", "force"): "satuan",
}

# Near-synonyms used on the question side when a question word is absent from the corpus.
# Each group is a set of stems; a missing stem is replaced by the group's members that are present.
SYNONYM_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "luncur rilis resmi perkenal",
        "satuan gugus satgas tim",
        "kembang develop",
        "umum nyata klaim",
        "tiongkok china cina rrt",
        "amerika as usa",
        "ancam bahaya risiko",
        "hambat kendala rintang halang tantang",
        "sanksi embargo",
        "microchip chip cip mikrocip semikonduktor",
        "ekonomi pdb",
        "listrik energi daya",
        "nuklir atom",
        "regulasi atur aturan hukum",
        "undang uu",
        "ahli pakar spesialis",
        "awas pantau kontrol kendali",
        "aman keamanan",
        "tingkat naik",
        "kerja kolaborasi mitra",
        "perintah instruksi suruh",
        "tinggal kalah",
        "pimpin pemimpin",
        "negeri negara",
        "budaya tradisi",
        "latih ajar",
        "pidato sambutan",
        "konferensi forum kongres",
        "tuju sasar target",
        "bentuk diri cipta",
        "parlemen dpr duma legislatif",
        "kripto crypto",
        "gabung ikut",
        "kontribusi sumbang",
        "proyeksi prediksi ramal perkira",
        "triliun trilyun",
        "miliar milyar",
        "dolar dollar usd",
        "asing luar",
        "barat",
        "demonstrasi pamer tunjuk peraga",
        "produk barang",
        "model sistem",
        "tekan tegas",
        "adopsi pakai guna terap",
        "swasta perusahaan korporasi",
        "institusi lembaga instansi",
        "bangun pembangunan",
        "cermin refleksi",
        "batal hapus",
        "merdeka daulat independen",
        "gantung bergantung",
        "infrastruktur prasarana",
        "komputasi komputer",
        "kapasitas kemampu",
        "ambisi cita",
    )
)

# English question words mapped to the Indonesian word the article would use.
ENGLISH: dict[str, str] = {
    "russia": "rusia", "russian": "rusia", "russians": "rusia", "president": "presiden",
    "launch": "luncur", "launched": "luncur", "launches": "luncur", "national": "nasional",
    "task": "tugas", "force": "satuan", "taskforce": "satuan", "team": "satuan",
    "generative": "generatif", "development": "kembang", "develop": "kembang",
    "developed": "kembang", "developing": "kembang", "developer": "kembang",
    "country": "negara", "countries": "negara", "nation": "negara", "state": "negara",
    "strategic": "strategis", "economic": "ekonomi", "economy": "ekonomi", "interest": "minat",
    "industry": "industri", "global": "global", "leader": "pimpin", "leaders": "pimpin",
    "america": "amerika", "american": "amerika", "usa": "as", "us": "as", "china": "tiongkok",
    "chinese": "tiongkok", "announce": "umum", "announced": "umum", "announcement": "umum",
    "conference": "konferensi", "flagship": "unggul", "goal": "tuju", "purpose": "tuju",
    "aim": "tuju", "coordinate": "koordinasi", "coordination": "koordinasi", "explain": "jelas",
    "large": "besar", "big": "besar", "bigger": "besar", "biggest": "besar", "largest": "besar",
    "language": "bahasa", "model": "model", "models": "model", "tool": "alat", "tools": "alat",
    "vital": "vital", "shape": "bentuk", "form": "bentuk", "formation": "bentuk",
    "public": "publik", "opinion": "opini", "dependence": "gantung", "dependency": "gantung",
    "depend": "gantung", "foreign": "asing", "threat": "ancam", "threats": "ancam",
    "danger": "ancam", "independence": "merdeka", "sovereignty": "merdeka",
    "technology": "teknologi", "technological": "teknologi", "tech": "teknologi",
    "value": "nilai", "values": "nilai", "importance": "penting", "important": "penting",
    "own": "milik", "supervision": "awas", "oversight": "awas", "supervise": "awas",
    "expert": "ahli", "experts": "ahli", "warn": "ingat", "warned": "ingat", "warning": "ingat",
    "regulation": "regulasi", "regulations": "regulasi", "regulate": "regulasi",
    "harsh": "keras", "strict": "keras", "security": "aman", "safety": "aman",
    "intelligence": "intelijen", "train": "latih", "trained": "latih", "training": "latih",
    "data": "data", "remain": "tetap", "promote": "promosi", "build": "bangun",
    "building": "bangun", "construction": "bangun", "center": "pusat", "centre": "pusat",
    "centers": "pusat", "support": "dukung", "supported": "dukung", "powered": "dukung",
    "energy": "energi", "source": "sumber", "sources": "sumber", "nearby": "dekat",
    "power": "listrik", "plant": "bangkit", "plants": "bangkit", "nuclear": "nuklir",
    "small": "kecil", "scale": "skala", "speech": "pidato", "urge": "desak", "urged": "desak",
    "institution": "institusi", "institutions": "institusi", "company": "perusahaan",
    "companies": "perusahaan", "private": "swasta", "increase": "tingkat", "boost": "tingkat",
    "adoption": "adopsi", "adopt": "adopsi", "contribute": "kontribusi",
    "contribution": "kontribusi", "trillion": "triliun", "billion": "miliar", "ruble": "rubel",
    "rubles": "rubel", "roubles": "rubel", "gdp": "pdb", "year": "tahun", "dollar": "dolar",
    "dollars": "dolar", "behind": "tinggal", "lag": "tinggal", "lags": "tinggal",
    "lagging": "tinggal", "power's": "kuat", "powers": "kuat", "term": "hal",
    "already": "sudah", "several": "beberapa", "homegrown": "buat", "including": "termasuk",
    "same": "sama", "demonstrate": "demonstrasi", "demonstrated": "demonstrasi",
    "showed": "demonstrasi", "show": "demonstrasi", "version": "versi", "improved": "tingkat",
    "product": "produk", "products": "produk", "based": "basis", "robot": "robot",
    "humanoid": "humanoid", "atm": "atm", "health": "sehat", "scanning": "pindai",
    "scanner": "pindai", "obstacle": "hambat", "obstacles": "hambat", "barrier": "hambat",
    "hurdle": "hambat", "hurdles": "hambat", "challenge": "hambat", "ambition": "ambisi",
    "ambitions": "ambisi", "sanction": "sanksi", "sanctions": "sanksi", "west": "barat",
    "western": "barat", "microchips": "microchip", "chip": "microchip", "chips": "microchip",
    "semiconductor": "microchip", "semiconductors": "microchip", "limit": "batas",
    "limits": "batas", "capacity": "kapasitas", "infrastructure": "infrastruktur",
    "computing": "komputasi", "compute": "komputasi", "repeatedly": "ulang",
    "dominance": "dominasi", "culture": "budaya", "system": "sistem", "systems": "sistem",
    "reflect": "cermin", "ignore": "abai", "cancel": "batal", "tradition": "tradisi",
    "traditions": "tradisi", "history": "sejarah", "policy": "bijak", "policies": "bijak",
    "end": "akhir", "late": "akhir", "network": "jaringan", "alliance": "aliansi",
    "member": "anggota", "members": "anggota", "brazil": "brasil", "india": "india",
    "south": "selatan", "africa": "afrika", "alternative": "alternatif", "market": "pasar",
    "channel": "saluran", "channels": "saluran", "shared": "sama", "joint": "sama",
    "early": "awal", "beginning": "awal", "order": "perintah", "ordered": "perintah",
    "government": "pemerintah", "deepen": "dalam", "cooperation": "kerja",
    "cooperate": "kerja", "collaboration": "kerja", "research": "teliti", "study": "teliti",
    "lower": "rendah", "house": "majelis", "parliament": "parlemen", "duma": "duma",
    "work": "kerja", "working": "kerja", "group": "kelompok", "law": "undang", "laws": "undang",
    "legislation": "undang", "produce": "hasil", "draft": "hasil", "reported": "lapor",
    "report": "lapor", "since": "sejak", "who's": "siapa", "agency": "badan",
    "artificial": "buat", "crypto": "kripto", "newsletter": "buletin", "new": "baru",
    "recently": "baru", "recent": "baru", "said": "kata", "say": "kata", "according": "turut",
    "money": "uang", "worth": "nilai", "cost": "biaya", "people": "orang", "job": "kerja",
    "weapon": "senjata", "war": "perang", "military": "militer", "army": "tentara",
}

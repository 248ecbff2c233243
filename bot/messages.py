"""Every user-facing sentence, in Indonesian (default) and English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["id", "en"]

_TEXTS: dict[str, dict[Lang, str]] = {
    "welcome": {
        "id": (
            "Halo! Saya menjawab pertanyaan tentang artikel <b>{title}</b> dengan mengutip "
            "kalimatnya apa adanya. Kalau artikel tidak membahasnya, saya bilang terus terang.\n\n"
            "Tulis pertanyaan Anda, atau coba salah satu contoh di bawah."
        ),
        "en": (
            "Hello! I answer questions about the article <b>{title}</b> by quoting its sentences "
            "word for word. If the article does not say, I tell you so.\n\n"
            "Type your question, or try one of the examples below."
        ),
    },
    "welcome_many": {
        "id": (
            "Halo! Saya menjawab pertanyaan tentang {count} dokumen (antara lain <b>{title}</b>) "
            "dengan mengutip kalimatnya apa adanya. Kalau dokumennya tidak membahas, saya bilang "
            "terus terang.\n\nTulis pertanyaan Anda, atau coba salah satu contoh di bawah."
        ),
        "en": (
            "Hello! I answer questions about {count} documents (among them <b>{title}</b>) by "
            "quoting them word for word. If they do not say, I tell you so.\n\n"
            "Type your question, or try one of the examples below."
        ),
    },
    "help": {
        "id": (
            "<b>Cara bertanya</b>\n"
            "• Di chat pribadi: tulis saja pertanyaannya.\n"
            "• Di grup: sebut {mention}, balas pesan saya, atau pakai /ask pertanyaan.\n"
            "• Di chat mana pun: ketik {mention} lalu pertanyaan (mode inline).\n\n"
            "Saya hanya mengutip artikel. Tombol <i>Lainnya</i> menampilkan kutipan berikutnya; "
            "👍/👎 membantu kami memperbaiki jawaban.\n\n"
            "/start – mulai dan contoh pertanyaan\n/ask – bertanya\n/about – tentang artikel\n"
            "/help – bantuan ini\n/privacy – data yang disimpan"
        ),
        "en": (
            "<b>How to ask</b>\n"
            "• In a private chat: just type your question.\n"
            "• In a group: mention {mention}, reply to my message, or use /ask question.\n"
            "• In any chat: type {mention} and a question (inline mode).\n\n"
            "I only quote the article. The <i>More</i> button shows further quotes; 👍/👎 help "
            "us improve.\n\n"
            "/start – start and example questions\n/ask – ask a question\n"
            "/about – about the article\n/help – this help\n/privacy – what is stored"
        ),
    },
    "about": {
        "id": "<b>Tentang artikel</b>\n{docs}\n\n{sentences} kalimat dalam {count} dokumen.",
        "en": "<b>About the article</b>\n{docs}\n\n{sentences} sentences in {count} documents.",
    },
    "not_found": {
        "id": (
            "Maaf, artikel tidak membahas hal itu. Coba tanyakan hal lain tentang artikel, "
            "misalnya:\n{examples}"
        ),
        "en": (
            "Sorry, the article does not say. Try asking something else about it, for example:\n"
            "{examples}"
        ),
    },
    "chat_greeting": {
        "id": "Halo! 👋 Saya menjawab pertanyaan tentang <b>{title}</b>. Coba tanya:\n{examples}",
        "en": "Hi! 👋 I answer questions about <b>{title}</b>. Try asking:\n{examples}",
    },
    "chat_thanks": {
        "id": "Sama-sama! Ada lagi yang ingin ditanyakan tentang artikelnya? Misalnya:\n{examples}",
        "en": "You're welcome! Anything else about the article? For example:\n{examples}",
    },
    "chat_goodbye": {
        "id": "Sampai jumpa! Kapan saja ada pertanyaan tentang artikelnya, tulis saja di sini.",
        "en": "Goodbye! Whenever you have a question about the article, just write it here.",
    },
    "chat_smalltalk": {
        "id": (
            "Saya bot yang hanya bisa menjawab pertanyaan tentang <b>{title}</b>, dengan "
            "mengutip artikelnya. Coba tanya:\n{examples}"
        ),
        "en": (
            "I am a bot that only answers questions about <b>{title}</b>, by quoting it. "
            "Try asking:\n{examples}"
        ),
    },
    "chat_identity": {
        "id": (
            "Saya bot tanya-jawab untuk artikel <b>{title}</b>. Saya menjawab dengan mengutip "
            "kalimat artikel apa adanya, dan bilang terus terang kalau artikel tidak "
            "membahasnya. Coba tanya:\n{examples}"
        ),
        "en": (
            "I am a question-answering bot for the article <b>{title}</b>. I answer by quoting "
            "its sentences word for word, and say plainly when it does not say. Try asking:\n"
            "{examples}"
        ),
    },
    "chat_capabilities": {
        "id": (
            "Tanyakan apa saja tentang <b>{title}</b> — siapa, apa, kapan, berapa, mengapa — "
            "dan saya kutip kalimat artikel yang menjawabnya. Contoh:\n{examples}"
        ),
        "en": (
            "Ask anything about <b>{title}</b> — who, what, when, how much, why — and I quote "
            "the sentences that answer it. For example:\n{examples}"
        ),
    },
    "chat_request": {
        "id": (
            "Maaf, saya tidak membuat teks baru (puisi, terjemahan, ringkasan); saya hanya "
            "mengutip artikel <b>{title}</b> untuk menjawab pertanyaan. Coba tanya:\n{examples}"
        ),
        "en": (
            "Sorry, I do not write new text (poems, translations, summaries); I only quote the "
            "article <b>{title}</b> to answer questions. Try asking:\n{examples}"
        ),
    },
    "tentative": {
        "id": "Artikel mungkin tidak menjawabnya secara langsung; ini kutipan yang paling dekat:",
        "en": "The article may not answer this directly; these are the closest quotes:",
    },
    "empty_question": {
        "id": "Tulis pertanyaan dalam kata-kata, misalnya:\n{examples}",
        "en": "Please write your question in words, for example:\n{examples}",
    },
    "question_too_long": {
        "id": "Pertanyaannya terlalu panjang. Ringkas jadi satu pertanyaan (maks. {limit} huruf).",
        "en": "That question is too long. Please shorten it to one question (max {limit} chars).",
    },
    "ask_usage": {
        "id": "Pakai: /ask pertanyaan Anda — misalnya <code>/ask {example}</code>",
        "en": "Usage: /ask your question — for example <code>/ask {example}</code>",
    },
    "non_text": {
        "id": "Saya hanya bisa membaca pertanyaan berupa teks. Tulis pertanyaan Anda, ya.",
        "en": "I can only read questions written as text. Please type your question.",
    },
    "button_expired": {
        "id": "Tombol ini sudah kedaluwarsa. Tanyakan lagi, ya.",
        "en": "This button has expired. Please ask again.",
    },
    "more_button": {"id": "Lainnya ▸", "en": "More ▸"},
    "feedback_thanks": {"id": "Terima kasih atas masukannya!", "en": "Thanks for the feedback!"},
    "error": {
        "id": "Maaf, ada gangguan saat menjawab. Silakan coba lagi sebentar lagi.",
        "en": "Sorry, something went wrong while answering. Please try again shortly.",
    },
    "flood": {
        "id": "Pelan-pelan, ya: terlalu banyak pesan dalam semenit. Coba lagi sebentar lagi.",
        "en": "Easy there: too many messages in a minute. Please try again shortly.",
    },
    "quote_from": {"id": "Paragraf {paragraph}", "en": "Paragraph {paragraph}"},
    "inline_none_title": {
        "id": "Artikel tidak membahas hal itu",
        "en": "The article does not say",
    },
    "inline_none_text": {
        "id": "Artikel tidak membahas: {question}",
        "en": "The article does not say: {question}",
    },
    # ----------------------------------------------------------------- first contact
    "privacy": {
        "id": (
            "<b>Privasi</b>\n"
            "<b>Yang disimpan</b> untuk setiap pertanyaan yang ditujukan kepada saya: waktu, jenis "
            "chat, ID Telegram Anda, {question_text}, apakah terjawab, kutipan yang diberikan, dan "
            "lama menjawab. Untuk 👍/👎: pilihan Anda dan waktunya. Pesan grup yang tidak "
            "ditujukan kepada saya tidak dibaca dan tidak disimpan.\n"
            "<b>Untuk apa</b>: melihat pertanyaan yang belum bisa dijawab artikel, memperbaiki "
            "jawaban, dan menahan spam. Data tidak dibagikan kepada siapa pun.\n"
            "<b>Berapa lama</b>: {retention}\n"
            "<b>Minta dihapus</b>: {contact} Sebutkan ID Telegram Anda: <code>{user_id}</code>."
        ),
        "en": (
            "<b>Privacy</b>\n"
            "<b>What is stored</b> for each question addressed to me: the time, the chat type, "
            "your Telegram id, {question_text}, whether it was answered, the quotes given and how "
            "long the answer took. For 👍/👎: your choice and its time. Group messages not "
            "addressed to me are neither read nor stored.\n"
            "<b>Why</b>: to see which questions the article cannot answer, to improve the answers "
            "and to hold back spam. Nothing is shared with anyone.\n"
            "<b>For how long</b>: {retention}\n"
            "<b>Deletion</b>: {contact} Give your Telegram id: <code>{user_id}</code>."
        ),
    },
    "privacy_text_kept": {"id": "teks pertanyaan", "en": "the question's text"},
    "privacy_text_not_kept": {
        "id": "<i>tanpa</i> teks pertanyaannya",
        "en": "<i>not</i> the question's text",
    },
    "privacy_retention_days": {
        "id": "{days} hari, lalu dihapus otomatis.",
        "en": "{days} days, then deleted automatically.",
    },
    "privacy_retention_forever": {
        "id": "tanpa batas waktu, sampai pengelola bot menghapusnya.",
        "en": "with no time limit, until the bot's operator deletes it.",
    },
    "privacy_contact": {
        "id": "tulis ke {contact}.",
        "en": "write to {contact}.",
    },
    "privacy_contact_operator": {
        "id": "minta kepada pengelola bot ini.",
        "en": "ask the operator of this bot.",
    },
    "description": {
        "id": (
            "Tanya apa saja tentang artikel “{title}”. Saya menjawab dengan mengutip kalimat "
            "artikel apa adanya, lengkap dengan nomor paragrafnya, tanpa mengarang. Kalau artikel "
            "tidak membahasnya, saya bilang terus terang.\n\n"
            "Tulis pertanyaan Anda di sini; di grup, sebut @{username} atau pakai /ask.\n"
            "Data yang disimpan: /privacy"
        ),
        "en": (
            "Ask anything about the article “{title}”. I answer by quoting the article's "
            "sentences word for word, with their paragraph number, and never make anything up. "
            "If the article does not say, I tell you so.\n\n"
            "Type your question here; in a group, mention @{username} or use /ask.\n"
            "What is stored: /privacy"
        ),
    },
    "description_many": {
        "id": (
            "Tanya apa saja tentang {count} dokumen, antara lain “{title}”. Saya menjawab dengan "
            "mengutip kalimatnya apa adanya, tanpa mengarang. Kalau dokumennya tidak membahas, "
            "saya bilang terus terang.\n\n"
            "Tulis pertanyaan Anda di sini; di grup, sebut @{username} atau pakai /ask.\n"
            "Data yang disimpan: /privacy"
        ),
        "en": (
            "Ask anything about {count} documents, among them “{title}”. I answer by quoting "
            "them word for word and never make anything up. If they do not say, I tell you so."
            "\n\nType your question here; in a group, mention @{username} or use /ask.\n"
            "What is stored: /privacy"
        ),
    },
    "short_description": {
        "id": "Jawaban dari artikel “{title}”, dikutip apa adanya. Privasi: /privacy",
        "en": "Answers quoted word for word from “{title}”. Privacy: /privacy",
    },
    "private_bot": {
        "id": "Maaf, bot ini hanya untuk pengguna tertentu.",
        "en": "Sorry, this bot is for certain users only.",
    },
    "left_group_alert": {
        "id": (
            "Saya keluar dari grup <b>{title}</b> (<code>{chat_id}</code>) karena tidak ada di "
            "ALLOWED_CHAT_IDS. Tambahkan ID itu bila grup ini boleh."
        ),
        "en": (
            "I left the group <b>{title}</b> (<code>{chat_id}</code>): it is not in "
            "ALLOWED_CHAT_IDS. Add that id if the group is welcome."
        ),
    },
    # ----------------------------------------------------------------- admins
    "status": {
        "id": (
            "<b>Status</b>\n"
            "Indeks: versi <code>{version}</code>, {documents} dokumen, {sentences} kalimat "
            "(dimuat {loaded})\n"
            "Database: {db}; antrean tulis {backlog}\n"
            "Aktif sejak: {uptime}\n"
            "Galat terakhir: {last_error}"
        ),
        "en": (
            "<b>Status</b>\n"
            "Index: version <code>{version}</code>, {documents} documents, {sentences} sentences "
            "(loaded {loaded})\n"
            "Database: {db}; write backlog {backlog}\n"
            "Up for: {uptime}\n"
            "Last error: {last_error}"
        ),
    },
    "status_cache_unusable": {
        "id": "⚠️ cache indeks rusak ({detail}), dibangun ulang",
        "en": "⚠️ index cache unusable ({detail}), rebuilt",
    },
    "status_cache_not_written": {
        "id": "⚠️ cache indeks tidak tersimpan ({detail})",
        "en": "⚠️ index cache not written ({detail})",
    },
    "status_reload_failed": {
        "id": "⚠️ reload terakhir gagal ({error}); indeks lama tetap dipakai",
        "en": "⚠️ the last reload failed ({error}); the previous index keeps serving",
    },
    "status_db_ok": {"id": "sehat", "en": "healthy"},
    "status_db_failing": {
        "id": "⚠️ bermasalah (tulisan ditahan di memori)",
        "en": "⚠️ failing (writes are kept in memory)",
    },
    "status_db_missing": {
        "id": "⚠️ file-nya hilang (dihapus?); file baru dibuat pada tulisan berikutnya",
        "en": "⚠️ its file is missing (deleted?); a new one is made at the next write",
    },
    "status_db_off": {"id": "tidak aktif", "en": "off"},
    "status_no_error": {"id": "tidak ada", "en": "none"},
    "status_error": {"id": "{ago} lalu: {error}", "en": "{ago} ago: {error}"},
    "alert": {
        "id": "⚠️ <b>Perlu perhatian</b>\n<code>{error}</code>{suppressed}",
        "en": "⚠️ <b>Needs attention</b>\n<code>{error}</code>{suppressed}",
    },
    "alert_suppressed": {
        "id": "\n(+{count} galat lain sejak peringatan terakhir)",
        "en": "\n(+{count} more errors since the last alert)",
    },
    "reload_failed": {
        "id": (
            "⚠️ <b>Reload gagal</b>; indeks lama tetap dipakai ({documents} dokumen, "
            "{sentences} kalimat).\nAlasan: {error}"
        ),
        "en": (
            "⚠️ <b>Reload failed</b>; the previous index keeps serving ({documents} documents, "
            "{sentences} sentences).\nReason: {error}"
        ),
    },
    "reload_error_missing": {
        "id": "folder korpus tidak ada",
        "en": "the corpus folder does not exist",
    },
    "reload_error_empty": {
        "id": "tidak ada dokumen .txt atau .md yang bisa dibaca",
        "en": "no readable .txt or .md document",
    },
    "reload_error_internal": {
        "id": "kesalahan internal (rinciannya ada di log)",
        "en": "an internal error (the details are in the log)",
    },
    "reload_done": {
        "id": (
            "✅ <b>Reload selesai</b> dalam {seconds} dtk: {documents} dokumen, "
            "{sentences} kalimat."
        ),
        "en": "✅ <b>Reloaded</b> in {seconds} s: {documents} documents, {sentences} sentences.",
    },
    "reload_added": {"id": "Ditambah: {names}", "en": "Added: {names}"},
    "reload_removed": {"id": "Dihapus: {names}", "en": "Removed: {names}"},
    "reload_changed": {"id": "Berubah: {names}", "en": "Changed: {names}"},
    "reload_same": {"id": "Tidak ada dokumen yang berubah.", "en": "No document changed."},
    "reload_skipped": {"id": "Dilewati (tidak dimuat):", "en": "Skipped (not loaded):"},
    "reason_unsupported": {"id": "bukan file .txt atau .md", "en": "not a .txt or .md file"},
    "reason_unreadable": {"id": "tidak bisa dibaca ({detail})", "en": "cannot be read ({detail})"},
    "reason_too_large": {"id": "terlalu besar ({detail} byte)", "en": "too large ({detail} bytes)"},
    "reason_binary": {"id": "file biner, bukan teks", "en": "binary file, not text"},
    "reason_utf16": {
        "id": "teks UTF-16; simpan ulang sebagai UTF-8",
        "en": "UTF-16 text; save it again as UTF-8",
    },
    "reason_not_utf8": {
        "id": "bukan teks UTF-8 (byte salah di posisi {detail})",
        "en": "not UTF-8 text (bad byte at offset {detail})",
    },
    "reason_outside": {
        "id": "tautan ke luar folder korpus",
        "en": "a link leading out of the corpus folder",
    },
    "reason_not_regular": {"id": "bukan file biasa", "en": "not a regular file"},
    "reason_empty": {"id": "kosong: tidak ada teks berita", "en": "empty: no article text"},
    "no_storage": {
        "id": "Penyimpanan tidak aktif; tidak ada statistik.",
        "en": "Storage is off; there are no statistics.",
    },
    "storage_unreadable": {
        "id": "⚠️ Database tidak bisa dibaca saat ini; rinciannya ada di log.",
        "en": "⚠️ The database cannot be read right now; the details are in the log.",
    },
    "stats": {
        "id": (
            "<b>Statistik</b>\nPertanyaan hari ini: {today}\nPertanyaan 7 hari: {week} "
            "(terjawab {rate})\nUmpan balik 7 hari: 👍 {up} / 👎 {down} (saldo {balance})"
        ),
        "en": (
            "<b>Statistics</b>\nQuestions today: {today}\nQuestions in 7 days: {week} "
            "(answered {rate})\nFeedback in 7 days: 👍 {up} / 👎 {down} (balance {balance})"
        ),
    },
    "stats_unanswered": {
        "id": "<b>Paling sering tak terjawab</b> (yang belum dibahas korpus):",
        "en": "<b>Most frequent unanswered</b> (what the corpus is missing):",
    },
    "docs_header": {"id": "<b>Dokumen</b> ({count}):", "en": "<b>Documents</b> ({count}):"},
    "docs_line": {
        "id": "• <code>{name}</code> — {title}; {size} byte, {sentences} kalimat",
        "en": "• <code>{name}</code> — {title}; {size} bytes, {sentences} sentences",
    },
    "remove_usage": {
        "id": "Pakai: /remove NAMA_FILE (lihat /docs)",
        "en": "Usage: /remove FILE_NAME (see /docs)",
    },
    "remove_unknown": {
        "id": "Tidak ada dokumen bernama <code>{name}</code>.",
        "en": "There is no document named <code>{name}</code>.",
    },
    "remove_last": {
        "id": "Ini dokumen terakhir; tambahkan dokumen lain sebelum menghapusnya.",
        "en": "This is the last document; add another one before removing it.",
    },
    "removed": {"id": "🗑 <code>{name}</code> dihapus.", "en": "🗑 <code>{name}</code> removed."},
    "upload_bad_name": {
        "id": (
            "Nama file tidak aman atau bukan .txt/.md. Pakai nama sederhana seperti "
            "<code>berita-baru.md</code>."
        ),
        "en": (
            "The file name is unsafe or not .txt/.md. Use a simple name such as "
            "<code>news-item.md</code>."
        ),
    },
    "upload_too_large": {
        "id": "File terlalu besar ({size} byte; maks. {limit}).",
        "en": "The file is too large ({size} bytes; at most {limit}).",
    },
    "upload_over_limit": {
        "id": "File terlalu besar (lebih dari {limit} byte).",
        "en": "The file is too large (more than {limit} bytes).",
    },
    "upload_failed": {
        "id": "File tidak bisa diunduh dari Telegram. Coba kirim lagi sebentar lagi.",
        "en": "The file could not be downloaded from Telegram. Please send it again shortly.",
    },
    "upload_rejected": {"id": "File ditolak: {reason}.", "en": "File rejected: {reason}."},
    "upload_added": {
        "id": "📄 <code>{name}</code> ditambahkan.",
        "en": "📄 <code>{name}</code> added.",
    },
    "upload_replaced": {
        "id": "📄 <code>{name}</code> diganti.",
        "en": "📄 <code>{name}</code> replaced.",
    },
    "followup_about": {"id": "(tentang: {topic})", "en": "(about: {topic})"},
    # ----------------------------------------------------------------- terminal (python -m bot ask)
    "terminal_prompt": {
        "id": "Tulis pertanyaan, satu per baris (Ctrl-D untuk selesai):",
        "en": "Type your questions, one per line (Ctrl-D to finish):",
    },
    "terminal_score": {"id": "skor {score}", "en": "score {score}"},
    "example_header": {"id": "❓ <b>{question}</b>", "en": "❓ <b>{question}</b>"},
    "admin_only": {
        "id": "Maaf, perintah ini hanya untuk admin bot.",
        "en": "Sorry, this command is for the bot's admins only.",
    },
}


def t(key: str, lang: Lang = "id", **kwargs: object) -> str:
    """The text for `key` in `lang`, with `{placeholders}` filled in."""
    template = _TEXTS[key].get(lang) or _TEXTS[key]["id"]
    return template.format(**kwargs) if kwargs else template


def problem_reason(code: str, detail: str, lang: Lang = "en") -> str:
    """Why a corpus file was skipped, in words (the core gives a code and a detail)."""
    return t(f"reason_{code}", lang, detail=detail)


def language_of(code: str | None) -> Lang:
    """English for users whose Telegram language is English, Indonesian otherwise."""
    return "en" if code and code.lower().startswith("en") else "id"

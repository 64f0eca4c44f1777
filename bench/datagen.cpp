// Deterministic data generator for the benchmark.
//
// Writes the `events import` dump (JSON Lines, {"entity":"<E>","doc":{...}}, parents before
// children, each entity in id order) for N users of the sample schema, plus the sample lists
// the wrk scripts draw their ids and filter values from. The same arguments always produce
// byte-identical output: one fixed-seed PRNG, a fixed clock, no hashing of pointers.
//
//   datagen --users 100000 --out dump.jsonl --samples dir/
//
// Proportions per N users: Account N/10 (10 users each, the first one owns it), User N,
// Profile N (one per user), TagAffinity N (one per profile), Event N/20, UserEvent N.
// Every document satisfies schemas/events.yaml (lengths, patterns, enums, ranges, uniques).
//
// Only the standard library is used so the harness can build it with one g++ line.
#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

// splitmix64: tiny, fast and fully specified, so output never depends on the libstdc++
// version (std::uniform_int_distribution is implementation-defined).
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n); the modulo bias is irrelevant for test data.
    uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
    int64_t between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(below(hi - lo + 1)); }
    bool chance(int percent) { return below(100) < static_cast<uint64_t>(percent); }

private:
    uint64_t state_;
};

// 2024-01-01T00:00:00Z. Every document gets its own millisecond after this instant, so
// ids (time prefix) and createdAt both follow generation order.
constexpr int64_t kEpochMs = 1704067200000LL;
constexpr char kCrockford[] = "0123456789abcdefghjkmnpqrstvwxyz";

// ULID layout: 10 chars of 48-bit milliseconds, 16 chars of 80 random bits.
std::string make_ulid(int64_t ms, Rng& rng) {
    std::string id(26, '0');
    uint64_t t = static_cast<uint64_t>(ms);
    for (int i = 9; i >= 0; --i) {
        id[i] = kCrockford[t & 31];
        t >>= 5;
    }
    uint64_t hi = rng.next(), lo = rng.next();
    for (int i = 10; i < 26; ++i) {
        uint64_t bits = (i < 18) ? hi : lo;
        id[i] = kCrockford[bits & 31];
        if (i < 18) hi >>= 5; else lo >>= 5;
    }
    return id;
}

void civil_from_days(int64_t days, int& y, unsigned& m, unsigned& d) {
    // Howard Hinnant's algorithm; avoids gmtime's dependence on the C library.
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yy + (m <= 2));
}

std::string format_datetime(int64_t ms) {
    int64_t days = ms / 86400000;
    int64_t rem = ms % 86400000;
    if (rem < 0) { rem += 86400000; --days; }
    int y; unsigned mo, d;
    civil_from_days(days, y, mo, d);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, mo, d,
                  static_cast<int>(rem / 3600000), static_cast<int>(rem / 60000 % 60),
                  static_cast<int>(rem / 1000 % 60), static_cast<int>(rem % 1000));
    return buf;
}

std::string format_date(int64_t days) {
    int y; unsigned mo, d;
    civil_from_days(days, y, mo, d);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, mo, d);
    return buf;
}

const std::vector<std::string_view> kFirstNames = {
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty",
    "Anthony", "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul",
    "Emily", "Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda",
    "Brian", "Dorothy", "George", "Melissa", "Timothy", "Deborah", "Ronald", "Stephanie",
    "Edward", "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia", "Jacob",
    "Kathleen", "Gary", "Amy", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Anna",
    "Stephen", "Brenda", "Larry", "Pamela", "Justin", "Emma", "Scott", "Nicole", "Brandon",
    "Helen", "Benjamin", "Samantha", "Samuel", "Katherine", "Gregory", "Christine", "Alexander",
    "Debra", "Frank", "Rachel", "Patrick", "Carolyn", "Raymond", "Janet", "Jack", "Catherine",
    "Dennis", "Maria", "Jerry", "Heather", "Tyler", "Diane", "Aaron", "Ruth", "Jose", "Julie",
    "Adam", "Olivia", "Nathan", "Joyce", "Henry", "Virginia", "Douglas", "Victoria", "Zachary",
    "Kelly", "Peter", "Lauren", "Kyle", "Christina", "Ethan", "Joan", "Walter", "Evelyn", "Noah",
    "Judith", "Jeremy", "Megan", "Christian", "Andrea", "Keith", "Cheryl", "Roger", "Hannah",
    "Terry", "Jacqueline", "Gerald", "Martha", "Harold", "Gloria", "Sean", "Teresa", "Austin",
    "Ann", "Carl", "Sara", "Arthur", "Madison", "Lawrence", "Frances", "Dylan", "Kathryn",
    "Jesse", "Janice", "Jordan", "Jean", "Bryan", "Abigail", "Billy", "Alice", "Joe", "Julia",
    "Bruce", "Judy", "Gabriel", "Sophia", "Logan", "Grace", "Albert", "Denise", "Willie", "Amber",
    "Alan", "Doris", "Juan", "Marilyn", "Wayne", "Danielle", "Elijah", "Beverly", "Randy",
    "Isabella", "Roy", "Theresa", "Vincent", "Diana", "Ralph", "Natalie", "Eugene", "Brittany",
    "Russell", "Charlotte", "Bobby", "Marie", "Mason", "Kayla", "Philip", "Alexis", "Louis", "Lori",
};

// 60 x 50 = 3000 distinct last names ("Ashbrook", "Kingsford", ...): enough that a
// full-match equality filter returns a small set (N/3000 rows) but never an empty one.
const std::vector<std::string_view> kLastNameHeads = {
    "Ash", "Black", "Bright", "Brook", "Cald", "Carr", "Clay", "Cold", "Crane", "Dal", "Dun",
    "East", "Ell", "Fair", "Fern", "Fox", "Gar", "Glen", "Gold", "Green", "Hal", "Hart", "Hawk",
    "Hay", "Hol", "Iron", "King", "Lang", "Lind", "Long", "Marsh", "Mill", "Moor", "New", "North",
    "Oak", "Pen", "Pres", "Rad", "Red", "Ros", "Rush", "Sand", "Shel", "Silver", "South", "Stan",
    "Stone", "Sum", "Thorn", "Under", "Wal", "West", "White", "Whit", "Wick", "Wild", "Win", "Wood", "York",
};
const std::vector<std::string_view> kLastNameTails = {
    "berg", "borough", "bourne", "bridge", "brook", "burn", "bury", "by", "combe", "cott",
    "croft", "dale", "den", "don", "field", "ford", "gate", "grove", "ham", "hart", "hill",
    "holm", "hurst", "ings", "land", "ley", "low", "man", "mere", "mont", "more", "ney", "ridge",
    "row", "shaw", "stead", "stock", "stoke", "ston", "thorpe", "ton", "wall", "ward", "well",
    "wick", "win", "wood", "worth", "wright", "yard",
};
const std::vector<std::string_view> kCities = {
    "Springfield", "Riverton", "Lakeside", "Fairview", "Madison", "Georgetown", "Clinton",
    "Franklin", "Greenville", "Salem", "Bristol", "Oakland", "Ashland", "Burlington", "Milton",
};
const std::vector<std::string_view> kStates = {"CA", "NY", "TX", "WA", "OR", "IL", "MA", "CO", "FL", "GA"};
const std::vector<std::string_view> kStreets = {"Main St", "Oak Ave", "Pine Rd", "Maple Dr", "Cedar Ln", "Elm St", "Lake Blvd"};
const std::vector<std::string_view> kTags = {
    "music", "sports", "tech", "art", "food", "travel", "theatre", "science", "books", "film",
    "outdoors", "gaming", "dance", "history", "fashion", "comedy",
};
const std::vector<std::string_view> kGenders = {"male", "female", "other"};
const std::vector<std::string_view> kRecurrence = {"daily", "weekly", "monthly", "yearly"};
const std::vector<std::string_view> kProfileNames = {"default", "work", "weekend", "family"};
const std::vector<std::string_view> kEventWords = {
    "Summit", "Meetup", "Festival", "Workshop", "Concert", "Fair", "Expo", "Night", "Gala", "Session",
};

template <class T>
const T& pick(const std::vector<T>& v, Rng& rng) { return v[rng.below(v.size())]; }

// A JSON object written field by field into one output line.
class JsonLine {
public:
    explicit JsonLine(std::string& buf) : buf_(buf) {}
    JsonLine& str(std::string_view key, std::string_view v) {
        sep(key);
        quote(v);
        return *this;
    }
    JsonLine& raw(std::string_view key, std::string_view v) {
        sep(key);
        buf_ += v;
        return *this;
    }
    JsonLine& integer(std::string_view key, int64_t v) {
        sep(key);
        buf_ += std::to_string(v);
        return *this;
    }
    // Money as an exact decimal from integer cents: 1234567 -> 12345.67.
    JsonLine& cents(std::string_view key, int64_t c) {
        char b[40];
        std::snprintf(b, sizeof b, "%" PRId64 ".%02" PRId64, c / 100, c % 100);
        return raw(key, b);
    }
    JsonLine& boolean(std::string_view key, bool v) { return raw(key, v ? "true" : "false"); }
    JsonLine& null(std::string_view key) { return raw(key, "null"); }
    JsonLine& str_list(std::string_view key, const std::vector<std::string_view>& items) {
        sep(key);
        buf_ += '[';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) buf_ += ',';
            quote(items[i]);
        }
        buf_ += ']';
        return *this;
    }

private:
    void sep(std::string_view key) {
        if (!first_) buf_ += ',';
        first_ = false;
        quote(key);
        buf_ += ':';
    }
    void quote(std::string_view s) {
        buf_ += '"';
        for (char c : s) {
            if (c == '"' || c == '\\') { buf_ += '\\'; buf_ += c; }
            else if (static_cast<unsigned char>(c) < 0x20) {
                char b[8];
                std::snprintf(b, sizeof b, "\\u%04x", c);
                buf_ += b;
            } else buf_ += c;
        }
        buf_ += '"';
    }
    std::string& buf_;
    bool first_ = true;
};

class Writer {
public:
    explicit Writer(const std::string& path) : f_(std::fopen(path.c_str(), "wb")) {
        if (!f_) throw std::runtime_error("cannot write " + path);
        std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
    }
    ~Writer() { if (f_) std::fclose(f_); }
    void line(const std::string& s) {
        std::fwrite(s.data(), 1, s.size(), f_);
        std::fputc('\n', f_);
    }
    void close() {
        if (std::fclose(f_) != 0) throw std::runtime_error("write failed");
        f_ = nullptr;
    }

private:
    std::FILE* f_;
};

struct UserSample {
    std::string id, username, email, account_id, first_name, last_name;
};

struct Options {
    int64_t users = 10000;
    std::string out;
    std::string samples;
    uint64_t seed = 20240101;
    int64_t sample_users = 20000;       // users listed in users.tsv
    int64_t max_delete_ids = 500000;    // UserEvent ids listed for the delete scenario
};

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: datagen --users N --out dump.jsonl --samples DIR [--seed S]\n"
                 "N accepts suffixes k and m (10k, 1m).\n");
    std::exit(2);
}

int64_t parse_count(const std::string& s) {
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    std::string suffix = end ? end : "";
    if (suffix == "k" || suffix == "K") v *= 1e3;
    else if (suffix == "m" || suffix == "M") v *= 1e6;
    else if (!suffix.empty()) usage();
    if (v < 20) throw std::runtime_error("need at least 20 users");
    return static_cast<int64_t>(v);
}

// Picks `k` distinct indexes of [0, n) deterministically (partial Fisher-Yates on demand).
std::vector<int64_t> sample_indexes(int64_t n, int64_t k, Rng& rng) {
    k = std::min(k, n);
    std::vector<int64_t> all(n);
    for (int64_t i = 0; i < n; ++i) all[i] = i;
    for (int64_t i = 0; i < k; ++i) std::swap(all[i], all[i + rng.below(n - i)]);
    all.resize(k);
    return all;
}

}  // namespace

int main(int argc, char** argv) try {
    Options opt;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string { if (i + 1 >= argc) usage(); return argv[++i]; };
        if (a == "--users") opt.users = parse_count(value());
        else if (a == "--out") opt.out = value();
        else if (a == "--samples") opt.samples = value();
        else if (a == "--seed") opt.seed = std::stoull(value());
        else usage();
    }
    if (opt.out.empty() || opt.samples.empty()) usage();
    std::filesystem::create_directories(opt.samples);

    const int64_t n_users = opt.users;
    const int64_t n_accounts = std::max<int64_t>(1, n_users / 10);
    const int64_t n_events = std::max<int64_t>(1, n_users / 20);
    const int64_t n_user_events = n_users;

    std::vector<std::string> last_names;
    for (auto h : kLastNameHeads)
        for (auto t : kLastNameTails) last_names.push_back(std::string(h) + std::string(t));

    Rng rng(opt.seed);
    int64_t clock_ms = kEpochMs;
    auto next_id = [&](std::string& created) {
        created = format_datetime(clock_ms);
        return make_ulid(clock_ms++, rng);
    };

    Writer out(opt.out);
    std::string line, created;
    line.reserve(1024);
    auto begin = [&](std::string_view entity) {
        line.clear();
        line += "{\"entity\":\"";
        line += entity;
        line += "\",\"doc\":{";
    };
    auto end = [&]() {
        line += "}}";
        out.line(line);
    };

    // Account
    std::vector<std::string> account_ids(n_accounts);
    for (int64_t a = 0; a < n_accounts; ++a) {
        account_ids[a] = next_id(created);
        begin("Account");
        char name[48];
        std::snprintf(name, sizeof name, "Account %07" PRId64, a);
        JsonLine j(line);
        j.str("id", account_ids[a]).str("name", name);
        if (rng.chance(80)) j.cents("credit", rng.between(0, 5000000)); else j.null("credit");
        if (rng.chance(70)) j.str("expireDate", format_date(19723 + rng.between(0, 1500))); else j.null("expireDate");
        j.boolean("enabled", rng.chance(90)).str("createdAt", created).str("updatedAt", created);
        end();
    }

    // User: user i belongs to account i/10; the first user of an account owns it.
    std::vector<std::string> user_ids(n_users);
    std::vector<UserSample> user_rows;  // only the sampled ones are kept in full
    Rng sample_rng(opt.seed ^ 0x5A5A5A5Aull);
    std::vector<int64_t> sampled = sample_indexes(n_users, opt.sample_users, sample_rng);
    std::vector<int32_t> sample_slot(n_users, -1);
    for (size_t s = 0; s < sampled.size(); ++s) sample_slot[sampled[s]] = static_cast<int32_t>(s);
    user_rows.resize(sampled.size());
    for (int64_t u = 0; u < n_users; ++u) {
        user_ids[u] = next_id(created);
        char username[32], email[48], password[32], zip[8], address[64];
        std::snprintf(username, sizeof username, "user%07" PRId64, u);
        std::snprintf(email, sizeof email, "user%07" PRId64 "@example.com", u);
        std::snprintf(password, sizeof password, "pw-%012" PRIx64, static_cast<uint64_t>(rng.next() & 0xFFFFFFFFFFFFull));
        std::snprintf(zip, sizeof zip, "%05d", static_cast<int>(rng.between(10000, 99999)));
        const std::string_view first = pick(kFirstNames, rng);
        const std::string& last = last_names[rng.below(last_names.size())];
        const int64_t account = std::min<int64_t>(u / 10, n_accounts - 1);
        const int house = static_cast<int>(rng.between(1, 9999));
        const std::string_view street = pick(kStreets, rng);
        std::snprintf(address, sizeof address, "%d %.*s", house, static_cast<int>(street.size()), street.data());
        begin("User");
        JsonLine j(line);
        j.str("id", user_ids[u]).str("username", username).str("email", email).str("password", password)
            .str("firstName", first).str("lastName", last);
        if (rng.chance(90)) j.str("gender", pick(kGenders, rng)); else j.null("gender");
        if (rng.chance(85)) j.str("dob", format_date(-7305 + rng.between(0, 20000))); else j.null("dob");
        j.str("address", address).str("city", pick(kCities, rng)).str("state", pick(kStates, rng)).str("zip", zip)
            .boolean("isAccountOwner", u % 10 == 0);
        if (rng.chance(95)) j.cents("netWorth", rng.between(0, 1000000000)); else j.null("netWorth");
        j.str("accountId", account_ids[account]).str("createdAt", created).str("updatedAt", created);
        end();
        if (sample_slot[u] >= 0)
            user_rows[sample_slot[u]] = {user_ids[u], username, email, account_ids[account], std::string(first), last};
    }

    // Profile: one per user, so (name, userId) is unique.
    std::vector<std::string> profile_ids(n_users);
    for (int64_t u = 0; u < n_users; ++u) {
        profile_ids[u] = next_id(created);
        begin("Profile");
        JsonLine j(line);
        j.str("id", profile_ids[u]).str("name", pick(kProfileNames, rng));
        if (rng.chance(60)) j.str("preferences", std::string("likes ") + std::string(pick(kTags, rng))); else j.null("preferences");
        if (rng.chance(80)) j.integer("radiusMiles", rng.between(0, 500)); else j.null("radiusMiles");
        j.str("userId", user_ids[u]).str("createdAt", created).str("updatedAt", created);
        end();
    }

    // TagAffinity: one per profile, so (profileId, tag) is unique.
    for (int64_t p = 0; p < n_users; ++p) {
        std::string id = next_id(created);
        begin("TagAffinity");
        JsonLine j(line);
        j.str("id", id).str("tag", pick(kTags, rng)).integer("affinity", rng.between(-100, 100))
            .str("profileId", profile_ids[p]).str("createdAt", created).str("updatedAt", created);
        end();
    }
    profile_ids = {};

    // Event
    std::vector<std::string> event_ids(n_events);
    for (int64_t e = 0; e < n_events; ++e) {
        event_ids[e] = next_id(created);
        char url[80], title[96];
        std::snprintf(url, sizeof url, "https://events.example.com/e/%07" PRId64, e);
        const std::string_view city = pick(kCities, rng);
        const std::string_view word = pick(kEventWords, rng);
        std::snprintf(title, sizeof title, "%.*s %.*s %" PRId64, static_cast<int>(city.size()), city.data(),
                      static_cast<int>(word.size()), word.data(), e);
        begin("Event");
        JsonLine j(line);
        j.str("id", event_ids[e]).str("url", url).str("title", title)
            .str("dateTime", format_datetime(kEpochMs + rng.between(0, 730LL * 86400) * 1000));
        if (rng.chance(80)) j.str("location", std::string(city) + " Convention Center"); else j.null("location");
        if (rng.chance(70)) j.cents("cost", rng.between(0, 50000)); else j.null("cost");
        if (rng.chance(70)) j.integer("numOfExpectedAttendees", rng.between(0, 5000)); else j.null("numOfExpectedAttendees");
        if (rng.chance(30)) j.str("recurrence", pick(kRecurrence, rng)); else j.null("recurrence");
        if (rng.chance(75)) j.str_list("tags", {pick(kTags, rng), pick(kTags, rng)}); else j.null("tags");
        j.str("createdAt", created).str("updatedAt", created);
        end();
    }

    // UserEvent
    std::vector<std::string> user_event_ids(n_user_events);
    for (int64_t k = 0; k < n_user_events; ++k) {
        user_event_ids[k] = next_id(created);
        begin("UserEvent");
        JsonLine j(line);
        j.str("id", user_event_ids[k]);
        if (rng.chance(80)) j.boolean("attended", rng.chance(60)); else j.null("attended");
        if (rng.chance(60)) j.integer("rating", rng.between(1, 5)); else j.null("rating");
        if (rng.chance(30)) j.str("note", "Would go again"); else j.null("note");
        j.str("userId", user_ids[rng.below(n_users)]).str("eventId", event_ids[rng.below(n_events)])
            .str("createdAt", created).str("updatedAt", created);
        end();
    }
    out.close();

    // ---- sample lists for the wrk scripts ---------------------------------------------
    const std::string dir = opt.samples + "/";
    {
        Writer w(dir + "users.tsv");  // id, username, email, accountId, firstName, lastName
        for (const UserSample& s : user_rows)
            w.line(s.id + "\t" + s.username + "\t" + s.email + "\t" + s.account_id + "\t" + s.first_name + "\t" + s.last_name);
        w.close();
    }
    {
        // Last names that occur among the sampled users: each filter value has >= 1 match.
        std::vector<std::string> names;
        for (const UserSample& s : user_rows) names.push_back(s.last_name);
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        Rng shuffle(opt.seed ^ 0x1234ull);
        for (size_t i = names.size(); i > 1; --i) std::swap(names[i - 1], names[shuffle.below(i)]);
        Writer w(dir + "lastnames.txt");
        for (const auto& s : names) w.line(s);
        w.close();
    }
    {
        // Username substrings: the last 6 digits of a sampled username ("user0012345" ->
        // "012345") match that user and the few sharing those digits, yet need a full scan.
        Writer w(dir + "substrings.txt");
        for (const UserSample& s : user_rows) w.line(s.username.substr(s.username.size() - 6));
        w.close();
    }
    {
        Writer w(dir + "accounts.txt");
        Rng r(opt.seed ^ 0x77ull);
        for (int64_t i = 0; i < std::min<int64_t>(n_accounts, 5000); ++i) w.line(account_ids[r.below(n_accounts)]);
        w.close();
    }
    {
        // Distinct UserEvent ids in random order; the delete scenario consumes each once.
        Rng r(opt.seed ^ 0x99ull);
        std::vector<int64_t> order = sample_indexes(n_user_events, opt.max_delete_ids, r);
        Writer w(dir + "userevent_ids.txt");
        for (int64_t k : order) w.line(user_event_ids[k]);
        w.close();
    }
    {
        const int64_t documents = n_accounts + 3 * n_users + n_events + n_user_events;
        Writer w(dir + "meta.json");
        char b[512];
        std::snprintf(b, sizeof b,
                      "{\"users\":%" PRId64 ",\"accounts\":%" PRId64 ",\"profiles\":%" PRId64
                      ",\"tagAffinities\":%" PRId64 ",\"events\":%" PRId64 ",\"userEvents\":%" PRId64
                      ",\"documents\":%" PRId64 ",\"seed\":%" PRIu64 "}",
                      n_users, n_accounts, n_users, n_users, n_events, n_user_events, documents, opt.seed);
        w.line(b);
        w.close();
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "datagen: %s\n", e.what());
    return 1;
}

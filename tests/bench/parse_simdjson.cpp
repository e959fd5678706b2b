/* parse_simdjson.cpp: the bench's simdjson floor: what simdjson alone costs to read every line of the file, for
 * bench_eval.c (C) to print beside yajl's. Two figures:
 *   - On-Demand, every value visited: each line iterated, every object and array walked, every string decoded
 *     (get_string), every number parsed (get_double), every literal read: the least a reader that looks at
 *     the whole record can do with simdjson; the lines are parsed where they lie in the file (the next line's
 *     bytes are their padding), so no copy is counted;
 *   - DOM: parser.parse of each line (simdjson validates it whole and builds its tape);
 *   - the first pass alone (parser::iterate_raw), every token touched: what the JSON layer's reader
 *     (runtime/json/json_read_simdjson.cpp) takes from simdjson before its own walk over the tokens.
 * On-Demand's value iterators are compiled into the caller for the CPU the compiler targets (here the
 * portable x86-64, simdjson's "fallback" kernel), while the first pass and the DOM parser pick the best
 * kernel at run time: hence the DOM parse is faster here than On-Demand visiting every value. */
#include <simdjson.h>

#include <cstring>
#include <ctime>

namespace od = simdjson::ondemand;

namespace {

double cpu_seconds() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

bool visit(od::value v) {
    od::json_type type;
    if (v.type().get(type) != simdjson::SUCCESS) return false;
    switch (type) {
    case od::json_type::object: {
        od::object object;
        if (v.get_object().get(object) != simdjson::SUCCESS) return false;
        for (auto item : object) {
            od::field field;
            std::string_view key;
            if (std::move(item).get(field) != simdjson::SUCCESS || field.unescaped_key().get(key) != simdjson::SUCCESS ||
                !visit(field.value()))
                return false;
        }
        return true;
    }
    case od::json_type::array: {
        od::array array;
        if (v.get_array().get(array) != simdjson::SUCCESS) return false;
        for (auto item : array) {
            od::value element;
            if (std::move(item).get(element) != simdjson::SUCCESS || !visit(element)) return false;
        }
        return true;
    }
    case od::json_type::string: {
        std::string_view s;
        return v.get_string().get(s) == simdjson::SUCCESS;
    }
    case od::json_type::number: {
        double d;
        return v.get_double().get(d) == simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
        bool b;
        return v.get_bool().get(b) == simdjson::SUCCESS;
    }
    default: {
        bool null;
        return v.is_null().get(null) == simdjson::SUCCESS && null;
    }
    }
}

} // namespace

/* CPU seconds for one pass over the lines of text[0..len), whose buffer holds SIMDJSON_PADDING more bytes;
 * mode 0: On-Demand, every value visited; 1: the DOM parser; 2: the first pass, every token touched. Lines
 * that fail count in *bad. */
extern "C" double pol_bench_simdjson_parse(const char *text, size_t len, int mode, size_t *lines, size_t *bad) {
    od::parser parser;
    simdjson::dom::parser dom_parser;
    double t0 = cpu_seconds();
    *lines = *bad = 0;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = static_cast<const char *>(memchr(p, '\n', (size_t)(end - p)));
        if (nl == NULL) nl = end;
        size_t n = (size_t)(nl - p), room = (size_t)(end - p) + simdjson::SIMDJSON_PADDING;
        bool ok;
        if (mode == 2) {
            od::json_iterator tokens;
            ok = parser.iterate_raw(simdjson::padded_string_view(p, n, room)).get(tokens) == simdjson::SUCCESS;
            unsigned sum = 0;
            while (ok && !tokens.at_end()) sum += *tokens.return_current_and_advance() + tokens.peek_length();
            ok = ok && sum != 0;
        } else if (mode == 1) {
            simdjson::dom::element root;
            ok = dom_parser.parse(reinterpret_cast<const uint8_t *>(p), n, false).get(root) == simdjson::SUCCESS;
        } else {
            od::document doc;
            od::value root;
            ok = parser.iterate(p, n, room).get(doc) == simdjson::SUCCESS && doc.get_value().get(root) == simdjson::SUCCESS &&
                 visit(root);
        }
        ++*lines;
        if (!ok) ++*bad;
        p = nl + 1;
    }
    return cpu_seconds() - t0;
}

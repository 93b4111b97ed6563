/* See include/ccurl.h: libcurl is loaded here, once, and driven through a few typed function pointers. */
#include "ccurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#ifndef QUORUM_CURL_LIBRARY
#define QUORUM_CURL_LIBRARY "libcurl.so.4"
#endif

/* The parts of libcurl's ABI used here, declared by hand so that building quorum never needs curl's headers.
 * Option numbers are a type base plus an index (libcurl's documented, stable numbering): long options start at 0,
 * pointers at 10000, callbacks at 20000, 64-bit sizes at 30000; CURLINFO's long values at 0x200000. */
enum {
    OPT_WRITEDATA = 10000 + 1,
    OPT_URL = 10000 + 2,
    OPT_ERRORBUFFER = 10000 + 10,
    OPT_WRITEFUNCTION = 20000 + 11,
    OPT_POSTFIELDS = 10000 + 15,
    OPT_HTTPHEADER = 10000 + 23,
    OPT_NOPROGRESS = 43,
    OPT_POST = 47,
    OPT_XFERINFODATA = 10000 + 57,
    OPT_NOSIGNAL = 99,
    OPT_POSTFIELDSIZE_LARGE = 30000 + 120,
    OPT_TIMEOUT_MS = 155,
    OPT_CONNECTTIMEOUT_MS = 156,
    OPT_XFERINFOFUNCTION = 20000 + 219,
    INFO_RESPONSE_CODE = 0x200000 + 2,
    GLOBAL_DEFAULT = 3,      /* CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32 */
    ERROR_BUFFER_SIZE = 256, /* CURL_ERROR_SIZE: the least an error buffer may hold */
};

typedef struct curl_list curl_list; /* struct curl_slist, used only through pointers */
typedef int64_t curl_offset;         /* curl_off_t on every 64-bit Linux */

typedef int (*global_init_fn)(long flags);
typedef void *(*easy_init_fn)(void);
typedef int (*easy_setopt_fn)(void *handle, int option, ...);
typedef int (*easy_getinfo_fn)(void *handle, int info, ...);
typedef int (*easy_perform_fn)(void *handle);
typedef void (*easy_cleanup_fn)(void *handle);
typedef const char *(*easy_strerror_fn)(int code);
typedef curl_list *(*list_append_fn)(curl_list *list, const char *line);
typedef void (*list_free_fn)(curl_list *list);

static struct {
    global_init_fn global_init;
    easy_init_fn easy_init;
    easy_setopt_fn setopt;
    easy_getinfo_fn getinfo;
    easy_perform_fn perform;
    easy_cleanup_fn cleanup;
    easy_strerror_fn strerror;
    list_append_fn list_append;
    list_free_fn list_free;
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded;
static char load_error[512];

static void *resolve(void *library, const char *name, int *missing) {
    void *symbol = dlsym(library, name);
    if (!symbol && !*missing) {
        snprintf(load_error, sizeof load_error, "%s has no symbol %s", QUORUM_CURL_LIBRARY, name);
        *missing = 1;
    }
    return symbol;
}

static void load(void) {
    /* RTLD_LOCAL: curl's dependencies must not resolve symbols for anything else in the process. */
    void *library = dlopen(QUORUM_CURL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *reason = dlerror();
        snprintf(load_error, sizeof load_error, "%s", reason ? reason : QUORUM_CURL_LIBRARY " could not be loaded");
        return;
    }
    int missing = 0;
    curl.global_init = (global_init_fn)resolve(library, "curl_global_init", &missing);
    curl.easy_init = (easy_init_fn)resolve(library, "curl_easy_init", &missing);
    curl.setopt = (easy_setopt_fn)resolve(library, "curl_easy_setopt", &missing);
    curl.getinfo = (easy_getinfo_fn)resolve(library, "curl_easy_getinfo", &missing);
    curl.perform = (easy_perform_fn)resolve(library, "curl_easy_perform", &missing);
    curl.cleanup = (easy_cleanup_fn)resolve(library, "curl_easy_cleanup", &missing);
    curl.strerror = (easy_strerror_fn)resolve(library, "curl_easy_strerror", &missing);
    curl.list_append = (list_append_fn)resolve(library, "curl_slist_append", &missing);
    curl.list_free = (list_free_fn)resolve(library, "curl_slist_free_all", &missing);
    if (missing) { dlclose(library); return; }
    /* curl_global_init is not thread-safe in older libcurl; running it here, under pthread_once, keeps every later
     * curl_easy_init from doing it implicitly on two threads at once. */
    int code = curl.global_init(GLOBAL_DEFAULT);
    if (code != 0) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed (%s)", curl.strerror(code));
        return;
    }
    loaded = 1;
}

/* What libcurl's callbacks see: the caller's request plus the status, read once the body starts. */
typedef struct {
    const quorum_curl_post_request *request;
    void *handle;
    long status;
} transfer;

static size_t on_write(char *bytes, size_t size, size_t count, void *userdata) {
    transfer *t = userdata;
    size_t length = size * count;
    /* The headers are complete before the first body byte arrives, so the status is final here. */
    if (t->status == 0) curl.getinfo(t->handle, INFO_RESPONSE_CODE, &t->status);
    if (!t->request->on_data(t->request->context, t->status, bytes, length)) return 0; /* != length: abort */
    return length;
}

static int on_progress(void *userdata, curl_offset download_total, curl_offset downloaded, curl_offset upload_total,
                       curl_offset uploaded) {
    (void)download_total; (void)downloaded; (void)upload_total; (void)uploaded;
    transfer *t = userdata;
    return t->request->should_abort(t->request->context) ? 1 : 0;
}

static void copy_message(char *message, size_t capacity, const char *text) {
    if (!message || capacity == 0) return;
    snprintf(message, capacity, "%s", text ? text : "");
}

int quorum_curl_post(const quorum_curl_post_request *request, long *status, char *message, size_t message_capacity) {
    *status = 0;
    copy_message(message, message_capacity, "");
    pthread_once(&load_once, load);
    if (!loaded) {
        copy_message(message, message_capacity, load_error);
        return QuorumCurlUnavailable;
    }
    transfer t = {.request = request, .handle = curl.easy_init(), .status = 0};
    if (!t.handle) {
        copy_message(message, message_capacity, "curl_easy_init failed");
        return QuorumCurlUnavailable;
    }
    curl_list *headers = NULL;
    for (size_t i = 0; i < request->header_count; i++) {
        curl_list *longer = curl.list_append(headers, request->headers[i]);
        if (!longer) break; /* out of memory: send what we have; the server will say what is missing */
        headers = longer;
    }
    char error[ERROR_BUFFER_SIZE] = {0};
    /* Every value goes through the variadic setter with exactly the type libcurl reads back for that option:
     * long, a pointer, or a 64-bit curl_off_t. */
    curl.setopt(t.handle, OPT_URL, request->url);
    curl.setopt(t.handle, OPT_ERRORBUFFER, error);
    /* No SIGALRM for timeouts: the transfer runs on one of many threads. */
    curl.setopt(t.handle, OPT_NOSIGNAL, 1L);
    curl.setopt(t.handle, OPT_POST, 1L);
    /* A NULL body would make curl read the body from stdin instead. */
    curl.setopt(t.handle, OPT_POSTFIELDS, request->body ? request->body : "");
    curl.setopt(t.handle, OPT_POSTFIELDSIZE_LARGE, (curl_offset)request->body_length);
    curl.setopt(t.handle, OPT_HTTPHEADER, headers);
    curl.setopt(t.handle, OPT_CONNECTTIMEOUT_MS, request->connect_timeout_ms);
    curl.setopt(t.handle, OPT_TIMEOUT_MS, request->timeout_ms);
    curl.setopt(t.handle, OPT_WRITEFUNCTION, on_write);
    curl.setopt(t.handle, OPT_WRITEDATA, &t);
    curl.setopt(t.handle, OPT_NOPROGRESS, 0L);
    curl.setopt(t.handle, OPT_XFERINFOFUNCTION, on_progress);
    curl.setopt(t.handle, OPT_XFERINFODATA, &t);
    int code = curl.perform(t.handle);
    /* A response without a body (an empty 500) never reached on_write. */
    long final_status = 0;
    if (curl.getinfo(t.handle, INFO_RESPONSE_CODE, &final_status) == 0) *status = final_status;
    else *status = t.status;
    if (code != 0) copy_message(message, message_capacity, error[0] ? error : curl.strerror(code));
    curl.cleanup(t.handle);
    curl.list_free(headers);
    return code;
}

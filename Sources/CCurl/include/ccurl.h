/* One HTTP POST through Debian's libcurl (libcurl.so.4), loaded with dlopen on first use instead of linked.
 *
 * Why not link it (nor Foundation's networking module, which links it): loading libcurl pulls in about 30 shared
 * libraries (TLS, Kerberos, LDAP, IDN...) at every process start, which costs each `quorum` command and language
 * server a few milliseconds although only completion requests to a remote engine use HTTP. Without libcurl on the
 * machine, a request fails with QuorumCurlUnavailable and everything else works.
 *
 * The functions here are plain and non-variadic so Swift can call them; curl's variadic setters stay in ccurl.c. */
#ifndef QUORUM_CCURL_H
#define QUORUM_CCURL_H

#include <stddef.h>

/* The result codes the caller tells apart: libcurl's CURLcode values (stable across libcurl 7 and 8), plus our own
 * negative code for a library that could not be loaded. Any other code is a failure to reach the server, which
 * `message` describes in curl's words. */
enum {
    QuorumCurlOK = 0,
    QuorumCurlUnavailable = -1,
    QuorumCurlWriteError = 23, /* our data callback returned 0 */
    QuorumCurlTimedOut = 28,
    QuorumCurlAbortedByCallback = 42, /* our abort callback returned non-zero */
};

/* Receives each piece of the response body with the HTTP status of the response; returns 0 to abort the transfer. */
typedef int (*quorum_curl_data_fn)(void *context, long status, const char *bytes, size_t length);
/* Asked while the transfer runs, also when no bytes arrive (about once a second then); non-zero aborts it. */
typedef int (*quorum_curl_abort_fn)(void *context);

typedef struct {
    const char *url;
    /* Whole header lines ("Name: value"); an empty value ("Expect:") removes a header curl would add. */
    const char *const *headers;
    size_t header_count;
    const void *body;
    size_t body_length;
    /* 0 keeps curl's defaults: 300 s to connect, no limit on the whole transfer. */
    long connect_timeout_ms;
    long timeout_ms;
    quorum_curl_data_fn on_data;
    quorum_curl_abort_fn should_abort;
    void *context;
} quorum_curl_post_request;

/* Performs the POST on the calling thread and returns when it ended: QuorumCurlOK, a CURLcode, or
 * QuorumCurlUnavailable. `*status` gets the HTTP status (0 if none arrived); `message` gets curl's text for the
 * error, or the loader's error when libcurl is unavailable (always NUL-terminated, empty on success). */
int quorum_curl_post(const quorum_curl_post_request *request, long *status, char *message, size_t message_capacity);

#endif

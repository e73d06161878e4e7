/*
 * A test double for bindlink.dll, with the exact C signatures of bindlink.h:
 *
 *   HRESULT CreateBindLink(PCWSTR virtualPath, PCWSTR backingPath,
 *                          CREATE_BIND_LINK_FLAGS flags, UINT32 exceptionCount,
 *                          PCWSTR const* exceptionPaths);
 *   HRESULT RemoveBindLink(PCWSTR virtualPath);
 *
 * Built as a shared library (cc on Linux, x86_64-w64-mingw32-gcc as bindlink.dll for Wine)
 * and loaded through the same Deno.dlopen code as the real DLL, so what the tests see is what
 * crossed the FFI boundary. It records every call, decoding each UTF-16 argument into a JSON
 * string with \uXXXX escapes (so unpaired surrogates and embedded oddities survive exactly),
 * keeps a table of links with the rules a caller of the real API meets, and returns scripted
 * HRESULTs on request. The double_* functions are its control panel for tests.
 */
#ifndef _WIN32
#define _GNU_SOURCE /* syscall(), nanosleep() */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#define EXPORT __declspec(dllexport)
#define CALLCONV WINAPI
static unsigned long thread_id(void) { return (unsigned long)GetCurrentThreadId(); }
static void sleep_ms(uint32_t ms) { Sleep(ms); }
#else
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#define EXPORT __attribute__((visibility("default")))
#define CALLCONV
static unsigned long thread_id(void) { return (unsigned long)syscall(SYS_gettid); }
static void sleep_ms(uint32_t ms) {
  struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}
#endif

typedef int32_t hresult_t; /* HRESULT: signed 32-bit on every Windows ABI */
typedef uint16_t WCHAR16; /* WCHAR is 16-bit on Windows; wchar_t is 32-bit on Linux. */
typedef const WCHAR16 *PCWSTR16;

#define HR_OK ((hresult_t)0)
#define HR_INVALIDARG ((hresult_t)0x80070057)
#define HR_OUTOFMEMORY ((hresult_t)0x8007000E)
#define HR_FILE_NOT_FOUND ((hresult_t)0x80070002)
#define HR_ALREADY_EXISTS ((hresult_t)0x800700B7)
#define HR_BUSY ((hresult_t)0x800700AA)

/* Longer than any valid Windows path: a string without NUL within this is "unterminated". */
#define MAX_SCAN 40000u
#define MAX_SCRIPT 64

typedef struct {
  char *json;
} Call;

typedef struct {
  WCHAR16 *virtual_path;
} Link;

static Call *calls;
static uint32_t call_count, call_capacity;
static Link *links;
static uint32_t link_count, link_capacity;
static WCHAR16 **existing;
static uint32_t existing_count, existing_capacity;
static hresult_t script[2][MAX_SCRIPT];
static uint32_t script_head[2], script_tail[2];
static uint32_t delay_ms;
static unsigned long main_thread;

#ifdef _WIN32
static CRITICAL_SECTION lock;
static volatile LONG lock_ready;
static void lock_enter(void) {
  if (InterlockedCompareExchange(&lock_ready, 1, 0) == 0) {
    InitializeCriticalSection(&lock);
    lock_ready = 2;
  }
  while (lock_ready != 2) Sleep(0);
  EnterCriticalSection(&lock);
}
static void lock_leave(void) { LeaveCriticalSection(&lock); }
#else
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void lock_enter(void) { pthread_mutex_lock(&lock); }
static void lock_leave(void) { pthread_mutex_unlock(&lock); }
#endif

/* ---- growable text ---- */
typedef struct {
  char *data;
  size_t length, capacity;
} Text;

static void text_add(Text *t, const char *s, size_t n) {
  if (t->length + n + 1 > t->capacity) {
    size_t cap = t->capacity ? t->capacity : 256;
    while (cap < t->length + n + 1) cap *= 2;
    char *grown = realloc(t->data, cap);
    if (!grown) abort();
    t->data = grown;
    t->capacity = cap;
  }
  memcpy(t->data + t->length, s, n);
  t->length += n;
  t->data[t->length] = 0;
}
static void text_str(Text *t, const char *s) { text_add(t, s, strlen(s)); }
static void text_fmt(Text *t, const char *format, unsigned long long value) {
  char buf[64];
  int n = snprintf(buf, sizeof buf, format, value);
  text_add(t, buf, (size_t)n);
}

/* Appends a UTF-16 argument as a JSON value: a string, or null for a NULL pointer. */
static void text_wide(Text *t, PCWSTR16 s, int *unterminated) {
  if (!s) {
    text_str(t, "null");
    return;
  }
  text_str(t, "\"");
  uint32_t i = 0;
  for (; i < MAX_SCAN && s[i]; i++) {
    WCHAR16 c = s[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      char ch = (char)c;
      text_add(t, &ch, 1);
    } else {
      text_fmt(t, "\\u%04llx", c);
    }
  }
  if (i == MAX_SCAN) *unterminated = 1;
  text_str(t, "\"");
}

/* ---- UTF-16 helpers ---- */
static size_t wlen(PCWSTR16 s) {
  size_t n = 0;
  while (n < MAX_SCAN && s[n]) n++;
  return n;
}
static WCHAR16 wupper(WCHAR16 c) { return (c >= 'a' && c <= 'z') ? (WCHAR16)(c - 32) : c; }
static int wequal_ci(PCWSTR16 a, PCWSTR16 b) {
  size_t i = 0;
  for (; a[i] && b[i]; i++)
    if (wupper(a[i]) != wupper(b[i])) return 0;
  return a[i] == b[i];
}
/* child is strictly below parent, compared case-insensitively. */
static int wbelow_ci(PCWSTR16 child, PCWSTR16 parent) {
  size_t n = wlen(parent);
  if (wlen(child) <= n) return 0;
  for (size_t i = 0; i < n; i++)
    if (wupper(child[i]) != wupper(parent[i])) return 0;
  return parent[n - 1] == '\\' || child[n] == '\\';
}
static WCHAR16 *wdup(PCWSTR16 s) {
  size_t n = wlen(s);
  WCHAR16 *copy = malloc((n + 1) * sizeof(WCHAR16));
  if (!copy) return NULL;
  memcpy(copy, s, n * sizeof(WCHAR16));
  copy[n] = 0;
  return copy;
}

static void record(Text *t, hresult_t result) {
  text_fmt(t, ",\"result\":%llu", (unsigned long long)(uint32_t)result);
  text_fmt(t, ",\"thread\":%llu", thread_id());
  text_fmt(t, ",\"onLoadingThread\":%llu}", thread_id() == main_thread);
  if (call_count == call_capacity) {
    uint32_t cap = call_capacity ? call_capacity * 2 : 16;
    Call *grown = realloc(calls, cap * sizeof(Call));
    if (!grown) abort();
    calls = grown;
    call_capacity = cap;
  }
  calls[call_count++].json = t->data;
}

static int take_script(int which, hresult_t *out) {
  if (script_head[which] == script_tail[which]) return 0;
  *out = script[which][script_head[which]++ % MAX_SCRIPT];
  return 1;
}

static int path_exists(PCWSTR16 path) {
  for (uint32_t i = 0; i < existing_count; i++)
    if (wequal_ci(existing[i], path)) return 1;
  return 0;
}

static int find_link(PCWSTR16 path) {
  for (uint32_t i = 0; i < link_count; i++)
    if (wequal_ci(links[i].virtual_path, path)) return (int)i;
  return -1;
}

EXPORT hresult_t CALLCONV CreateBindLink(PCWSTR16 virtualPath, PCWSTR16 backingPath,
                                        uint32_t createBindLinkFlags, uint32_t exceptionCount,
                                        PCWSTR16 const *exceptionPaths) {
  /* Sleep before reading anything: a caller that let its buffers go would be caught here. */
  if (delay_ms) sleep_ms(delay_ms);
  lock_enter();
  Text t = {0};
  int unterminated = 0;
  text_str(&t, "{\"fn\":\"CreateBindLink\",\"virtualPath\":");
  text_wide(&t, virtualPath, &unterminated);
  text_str(&t, ",\"backingPath\":");
  text_wide(&t, backingPath, &unterminated);
  text_fmt(&t, ",\"flags\":%llu", createBindLinkFlags);
  text_fmt(&t, ",\"exceptionCount\":%llu", exceptionCount);
  text_str(&t, exceptionPaths ? ",\"exceptionPaths\":[" : ",\"exceptionPaths\":null");
  if (exceptionPaths) {
    /* Bounded: a garbage count must not walk off into memory. */
    for (uint32_t i = 0; i < exceptionCount && i < 4096; i++) {
      if (i) text_str(&t, ",");
      text_wide(&t, exceptionPaths[i], &unterminated);
    }
    text_str(&t, "]");
  }
  text_fmt(&t, ",\"unterminated\":%llu", unterminated);

  hresult_t hr;
  if (take_script(0, &hr)) {
    /* scripted: the table is left alone, as the real API leaves it on failure */
  } else if (!virtualPath || !backingPath || unterminated ||
             (createBindLinkFlags & ~0x3u) || (exceptionCount && !exceptionPaths)) {
    hr = HR_INVALIDARG;
  } else if (find_link(virtualPath) >= 0) {
    hr = HR_ALREADY_EXISTS;
  } else if (exceptionCount && !path_exists(virtualPath)) {
    hr = HR_INVALIDARG; /* exceptions are refused on an anchorless link */
  } else {
    WCHAR16 *copy = wdup(virtualPath);
    if (!copy) {
      hr = HR_OUTOFMEMORY;
    } else {
      if (link_count == link_capacity) {
        uint32_t cap = link_capacity ? link_capacity * 2 : 16;
        Link *grown = realloc(links, cap * sizeof(Link));
        if (!grown) abort();
        links = grown;
        link_capacity = cap;
      }
      links[link_count++].virtual_path = copy;
      hr = HR_OK;
    }
  }
  record(&t, hr);
  lock_leave();
  return hr;
}

EXPORT hresult_t CALLCONV RemoveBindLink(PCWSTR16 virtualPath) {
  if (delay_ms) sleep_ms(delay_ms);
  lock_enter();
  Text t = {0};
  int unterminated = 0;
  text_str(&t, "{\"fn\":\"RemoveBindLink\",\"virtualPath\":");
  text_wide(&t, virtualPath, &unterminated);
  text_fmt(&t, ",\"unterminated\":%llu", unterminated);
  hresult_t hr;
  int index = virtualPath && !unterminated ? find_link(virtualPath) : -1;
  if (take_script(1, &hr)) {
  } else if (!virtualPath || unterminated) {
    hr = HR_INVALIDARG;
  } else if (index < 0) {
    hr = HR_FILE_NOT_FOUND;
  } else {
    hr = HR_OK;
    for (uint32_t i = 0; i < link_count; i++)
      if (wbelow_ci(links[i].virtual_path, virtualPath)) hr = HR_BUSY; /* deepest first */
    if (hr == HR_OK) {
      free(links[index].virtual_path);
      links[index] = links[--link_count];
    }
  }
  record(&t, hr);
  lock_leave();
  return hr;
}

/* ---- control panel for tests ---- */

/* Forgets every call, link, existing path, script and delay. */
EXPORT void double_reset(void) {
  lock_enter();
  for (uint32_t i = 0; i < call_count; i++) free(calls[i].json);
  for (uint32_t i = 0; i < link_count; i++) free(links[i].virtual_path);
  for (uint32_t i = 0; i < existing_count; i++) free(existing[i]);
  call_count = link_count = existing_count = 0;
  script_head[0] = script_tail[0] = script_head[1] = script_tail[1] = 0;
  delay_ms = 0;
  main_thread = thread_id();
  lock_leave();
}

EXPORT uint32_t double_call_count(void) { return call_count; }
EXPORT uint32_t double_link_count(void) { return link_count; }

/* Copies call `index` as JSON into out (NUL-terminated when it fits); returns its length. */
EXPORT uint32_t double_call_json(uint32_t index, char *out, uint32_t size) {
  lock_enter();
  uint32_t n = 0;
  if (index < call_count) {
    n = (uint32_t)strlen(calls[index].json);
    if (out && n < size) memcpy(out, calls[index].json, n + 1);
  }
  lock_leave();
  return n;
}

/* The next call of CreateBindLink (which = 0) or RemoveBindLink (1) returns `hresult`. */
EXPORT void double_script(uint32_t which, int32_t hresult) {
  lock_enter();
  if (which < 2 && script_tail[which] - script_head[which] < MAX_SCRIPT)
    script[which][script_tail[which]++ % MAX_SCRIPT] = hresult;
  lock_leave();
}

/* Declares that `path` exists on the pretend disk (a link there is a shadow link). */
EXPORT void double_add_existing(PCWSTR16 path) {
  lock_enter();
  if (existing_count == existing_capacity) {
    uint32_t cap = existing_capacity ? existing_capacity * 2 : 16;
    WCHAR16 **grown = realloc(existing, cap * sizeof(WCHAR16 *));
    if (!grown) abort();
    existing = grown;
    existing_capacity = cap;
  }
  existing[existing_count++] = wdup(path);
  lock_leave();
}

/* Every call sleeps this long before reading its arguments. */
EXPORT void double_set_delay(uint32_t milliseconds) { delay_ms = milliseconds; }

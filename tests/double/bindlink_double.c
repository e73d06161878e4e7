/*
 * A test double for the bind link API of bindfltapi.dll, with its exact C signatures:
 *
 *   HRESULT CreateBindLink(PCWSTR virtualPath, PCWSTR backingPath,
 *                          CREATE_BIND_LINK_FLAGS flags, UINT32 exceptionCount,
 *                          PCWSTR const* exceptionPaths);
 *   HRESULT RemoveBindLink(PCWSTR virtualPath);
 *   HRESULT BfGetMappings(ULONG flags, HANDLE job, PCWSTR path, PSID sid,
 *                         PULONG bufferSize, PBYTE buffer);
 *
 * Built as a shared library (cc on Linux, x86_64-w64-mingw32-gcc as a DLL for Wine) and loaded
 * through the same Deno.dlopen code as the real DLL, so what the tests see is what crossed the
 * FFI boundary. It records every call, decoding each UTF-16 argument into a JSON string with
 * \uXXXX escapes (so unpaired surrogates and embedded oddities survive exactly), keeps a table
 * of links that answers as build 26100 does (a duplicate create is E_INVALIDARG; paths compare
 * as the filter compares them, whatever the spelling), lists them with BfGetMappings in the
 * filter's layout with NT device paths, and returns scripted answers on request. The double_*
 * functions are its control panel for tests.
 *
 * Variants, chosen with -D:
 *   DOUBLE_NO_CREATE   no CreateBindLink export (Windows 10's bindfltapi.dll has only Bf*)
 *   DOUBLE_DECOY       a DLL that must never be loaded: loading it writes "<its path>.loaded"
 *   DOUBLE_WITH_HELPER imports bindlink_helper_value() from bindlink_helper.dll and exports
 *                      double_helper_value(), to show which helper the loader resolved
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
typedef uint16_t WCHAR16;  /* WCHAR is 16-bit on Windows; wchar_t is 32-bit on Linux. */
typedef const WCHAR16 *PCWSTR16;

#define HR_OK ((hresult_t)0)
#define HR_INVALIDARG ((hresult_t)0x80070057)
#define HR_OUTOFMEMORY ((hresult_t)0x8007000E)
#define HR_BUSY ((hresult_t)0x800700AA)
#define HR_INSUFFICIENT_BUFFER ((hresult_t)0x8007007A)

#define FILTER_READ_ONLY 0x1u
#define FILTER_MERGED 0x2u
#define FILTER_NO_MULTIPLE_TARGETS 0x40u
#define GET_MAPPINGS_FLAG_VOLUME 0x1u

/* Longer than any valid Windows path: a string without NUL within this is "unterminated". */
#define MAX_SCAN 40000u
#define MAX_SCRIPT 64

#ifdef DOUBLE_WITH_HELPER
#ifdef _WIN32
__declspec(dllimport)
#endif
int bindlink_helper_value(void);
EXPORT int double_helper_value(void) { return bindlink_helper_value(); }
#endif

#if defined(DOUBLE_DECOY) && defined(_WIN32)
/* Says "I was loaded" in a file beside the DLL, which the tests look for. */
BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)reserved;
  if (reason == DLL_PROCESS_ATTACH) {
    WCHAR path[MAX_PATH + 8];
    DWORD n = GetModuleFileNameW(instance, path, MAX_PATH);
    if (n > 0 && n < MAX_PATH) {
      memcpy(path + n, L".loaded", 8 * sizeof(WCHAR));
      HANDLE file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
      if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
    }
  }
  return TRUE;
}
#endif

typedef struct {
  char *json;
} Call;

typedef struct {
  WCHAR16 *virtual_path; /* as the filter keeps it: normalized, case kept */
  WCHAR16 *backing_path;
  uint32_t flags;
} Link;

typedef struct {
  hresult_t hresult;
  uint32_t required;
  uint8_t *bytes; /* a raw answer when not NULL */
  uint32_t length;
} MappingsScript;

typedef struct {
  WCHAR16 letter;
  WCHAR16 *device;
} Volume;

static Call *calls;
static uint32_t call_count, call_capacity;
static Link *links;
static uint32_t link_count, link_capacity;
static WCHAR16 **existing;
static uint32_t existing_count, existing_capacity;
static hresult_t script[2][MAX_SCRIPT];
static uint32_t script_head[2], script_tail[2];
static MappingsScript mappings_script[MAX_SCRIPT];
static uint32_t mappings_head, mappings_tail;
static Volume volumes[26];
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
  if (n == 0 || wlen(child) <= n) return 0;
  for (size_t i = 0; i < n; i++)
    if (wupper(child[i]) != wupper(parent[i])) return 0;
  return parent[n - 1] == '\\' || child[n] == '\\';
}
/* s starts with the ASCII text prefix. */
static int wstarts(PCWSTR16 s, const char *prefix) {
  for (size_t i = 0; prefix[i]; i++)
    if (s[i] != (WCHAR16)(unsigned char)prefix[i]) return 0;
  return 1;
}
static WCHAR16 *wdup_n(PCWSTR16 s, size_t n) {
  WCHAR16 *copy = malloc((n + 1) * sizeof(WCHAR16));
  if (!copy) return NULL;
  memcpy(copy, s, n * sizeof(WCHAR16));
  copy[n] = 0;
  return copy;
}
static WCHAR16 *wdup(PCWSTR16 s) { return wdup_n(s, wlen(s)); }
/* a + b as a new string (b may be NULL). */
static WCHAR16 *wconcat(PCWSTR16 a, PCWSTR16 b) {
  size_t n = wlen(a), m = b ? wlen(b) : 0;
  WCHAR16 *out = malloc((n + m + 1) * sizeof(WCHAR16));
  if (!out) return NULL;
  memcpy(out, a, n * sizeof(WCHAR16));
  if (m) memcpy(out + n, b, m * sizeof(WCHAR16));
  out[n + m] = 0;
  return out;
}
static WCHAR16 *wascii(const char *s) {
  size_t n = strlen(s);
  WCHAR16 *out = malloc((n + 1) * sizeof(WCHAR16));
  if (!out) return NULL;
  for (size_t i = 0; i <= n; i++) out[i] = (WCHAR16)(unsigned char)s[i];
  return out;
}

/*
 * The path as the filter keeps it. \\?\ and \??\ are verbatim: what follows is taken as it is
 * (\\?\UNC\server\share is \\server\share). Every other spelling (\\.\, //?/, plain) is read as
 * Win32 reads it: / is \, empty, "." and ".." segments fold, and the last segment loses its
 * trailing dots and spaces. Trailing separators go in both. Case is kept; compare with
 * wequal_ci.
 */
static WCHAR16 *canonical(PCWSTR16 in) {
  size_t n = wlen(in);
  WCHAR16 *out = malloc((n + 3) * sizeof(WCHAR16));
  if (!out) return NULL;
  size_t o = 0, i = 0;
  int verbatim = 0;
  if (wstarts(in, "\\\\?\\UNC\\") || wstarts(in, "\\??\\UNC\\")) {
    out[o++] = '\\';
    out[o++] = '\\';
    i = 8;
    verbatim = 1;
  } else if (wstarts(in, "\\\\?\\") || wstarts(in, "\\??\\")) {
    i = 4;
    verbatim = 1;
  } else if (wstarts(in, "\\\\.\\") || wstarts(in, "//?/") || wstarts(in, "//./")) {
    i = 4;
  }
  if (verbatim) {
    while (i < n) out[o++] = in[i++];
  } else {
    /* Root: "X:" or "\\server\share"; then segments. */
    size_t root_segments = 0;
    if (i == 0 && n >= 2 && (in[0] == '\\' || in[0] == '/') && (in[1] == '\\' || in[1] == '/')) {
      out[o++] = '\\';
      out[o++] = '\\';
      i = 2;
      root_segments = 2;
    } else {
      root_segments = 1;
    }
    size_t segment_starts[4096];
    size_t segments = 0;
    while (i <= n) {
      size_t start = i;
      while (i < n && in[i] != '\\' && in[i] != '/') i++;
      size_t len = i - start;
      i++;
      if (len == 0) continue;
      if (len == 1 && in[start] == '.') continue;
      if (len == 2 && in[start] == '.' && in[start + 1] == '.') {
        if (segments > root_segments) o = segment_starts[--segments] - 1;
        continue;
      }
      if (segments >= 4096) break;
      if (segments > 0 || (o > 0 && out[o - 1] != '\\')) out[o++] = '\\';
      segment_starts[segments++] = o;
      memcpy(out + o, in + start, len * sizeof(WCHAR16));
      o += len;
    }
    if (segments > root_segments) {
      size_t first = segment_starts[segments - 1];
      while (o > first && (out[o - 1] == '.' || out[o - 1] == ' ')) o--;
    }
  }
  while (o > 0 && out[o - 1] == '\\') o--;
  out[o] = 0;
  return out;
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

/* Without its export the function stays, unused, so the rest of the double is unchanged. */
#ifdef DOUBLE_NO_CREATE
#define CREATE_EXPORT static __attribute__((unused))
#else
#define CREATE_EXPORT EXPORT
#endif

CREATE_EXPORT hresult_t CALLCONV CreateBindLink(PCWSTR16 virtualPath, PCWSTR16 backingPath,
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
  WCHAR16 *virtual_key = NULL, *backing_key = NULL;
  if (take_script(0, &hr)) {
    /* scripted: the table is left alone, as the real API leaves it on failure */
  } else if (!virtualPath || !backingPath || unterminated ||
             (createBindLinkFlags & ~0x3u) || (exceptionCount && !exceptionPaths)) {
    hr = HR_INVALIDARG;
  } else if (!(virtual_key = canonical(virtualPath)) || !(backing_key = canonical(backingPath))) {
    hr = HR_OUTOFMEMORY;
  } else if (find_link(virtual_key) >= 0) {
    hr = HR_INVALIDARG; /* build 26100: a duplicate is E_INVALIDARG, not ERROR_ALREADY_EXISTS */
  } else if (exceptionCount && !path_exists(virtual_key)) {
    hr = HR_INVALIDARG; /* exceptions are refused on an anchorless link */
  } else {
    if (link_count == link_capacity) {
      uint32_t cap = link_capacity ? link_capacity * 2 : 16;
      Link *grown = realloc(links, cap * sizeof(Link));
      if (!grown) abort();
      links = grown;
      link_capacity = cap;
    }
    links[link_count].virtual_path = virtual_key;
    links[link_count].backing_path = backing_key;
    links[link_count].flags = createBindLinkFlags;
    link_count++;
    virtual_key = backing_key = NULL;
    hr = HR_OK;
  }
  free(virtual_key);
  free(backing_key);
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
  WCHAR16 *key = virtualPath && !unterminated ? canonical(virtualPath) : NULL;
  int index = key ? find_link(key) : -1;
  if (take_script(1, &hr)) {
  } else if (!key) {
    hr = HR_INVALIDARG;
  } else if (index < 0) {
    hr = HR_INVALIDARG; /* as BfRemoveMapping answers a mapping that does not exist */
  } else {
    hr = HR_OK;
    for (uint32_t i = 0; i < link_count; i++)
      if (wbelow_ci(links[i].virtual_path, key)) hr = HR_BUSY; /* deepest first */
    if (hr == HR_OK) {
      free(links[index].virtual_path);
      free(links[index].backing_path);
      links[index] = links[--link_count];
    }
  }
  free(key);
  record(&t, hr);
  lock_leave();
  return hr;
}

/* ---- listing ---- */

/* The NT device behind drive `letter`: declared by a test, else the system's, else \??\X:. */
static WCHAR16 *device_of(WCHAR16 letter) {
  WCHAR16 upper = wupper(letter);
  if (upper < 'A' || upper > 'Z') return NULL;
  if (volumes[upper - 'A'].device) return wdup(volumes[upper - 'A'].device);
#ifdef _WIN32
  WCHAR drive[3] = {upper, L':', 0};
  WCHAR target[1024];
  if (QueryDosDeviceW(drive, target, 1024)) return wdup((PCWSTR16)target);
#endif
  char fallback[8] = "\\??\\X:";
  fallback[4] = (char)upper;
  return wascii(fallback);
}

/* A filter path as an NT path: X:\rest on its volume's device, \\server\share under \Device\Mup. */
static WCHAR16 *nt_path(PCWSTR16 path) {
  if (path[0] == '\\' && path[1] == '\\') {
    WCHAR16 *mup = wascii("\\Device\\Mup");
    WCHAR16 *out = mup ? wconcat(mup, path + 1) : NULL;
    free(mup);
    return out;
  }
  if (path[0] && path[1] == ':') {
    WCHAR16 *device = device_of(path[0]);
    WCHAR16 *out = device ? wconcat(device, path + 2) : NULL;
    free(device);
    return out;
  }
  return wdup(path);
}

static void put_u32(uint8_t *at, uint32_t value) {
  at[0] = (uint8_t)value;
  at[1] = (uint8_t)(value >> 8);
  at[2] = (uint8_t)(value >> 16);
  at[3] = (uint8_t)(value >> 24);
}

/*
 * Lays out the links on volume `letter` as the filter does: a 12-byte header, 20-byte mapping
 * entries, 8-byte target entries, then the UTF-16 strings. Returns the bytes needed and writes
 * them when `out` holds that many.
 */
static uint32_t layout(WCHAR16 letter, uint8_t *out, uint32_t capacity) {
  uint32_t count = 0, targets = 0, strings = 0;
  WCHAR16 *names[2 * 1024 + 1024];
  uint32_t name_count = 0;
  for (uint32_t i = 0; i < link_count && name_count + 3 <= sizeof names / sizeof *names; i++) {
    if (wupper(links[i].virtual_path[0]) != wupper(letter) || links[i].virtual_path[1] != ':')
      continue;
    int merged = (links[i].flags & FILTER_MERGED) != 0;
    names[name_count++] = nt_path(links[i].virtual_path);
    names[name_count++] = nt_path(links[i].backing_path);
    if (merged) names[name_count++] = nt_path(links[i].virtual_path);
    count++;
    targets += merged ? 2 : 1;
  }
  for (uint32_t i = 0; i < name_count; i++) strings += names[i] ? 2 * (uint32_t)wlen(names[i]) : 0;
  uint32_t tables = 12 + 20 * count + 8 * targets;
  uint32_t need = tables + strings;
  if (out && capacity >= need) {
    memset(out, 0, need);
    put_u32(out, need);
    put_u32(out + 4, 0);
    put_u32(out + 8, count);
    uint32_t entry = 12, target_at = 12 + 20 * count, string_at = tables, name = 0;
    for (uint32_t i = 0, emitted = 0; i < link_count && emitted < count; i++) {
      if (wupper(links[i].virtual_path[0]) != wupper(letter) || links[i].virtual_path[1] != ':')
        continue;
      int merged = (links[i].flags & FILTER_MERGED) != 0;
      uint32_t flags = (links[i].flags & 0x3u) | (merged ? 0 : FILTER_NO_MULTIPLE_TARGETS);
      uint32_t n_targets = merged ? 2 : 1;
      for (uint32_t s = 0; s < 1 + n_targets; s++, name++) {
        uint32_t bytes = names[name] ? 2 * (uint32_t)wlen(names[name]) : 0;
        for (uint32_t c = 0; c < bytes / 2; c++) {
          out[string_at + 2 * c] = (uint8_t)names[name][c];
          out[string_at + 2 * c + 1] = (uint8_t)(names[name][c] >> 8);
        }
        if (s == 0) {
          put_u32(out + entry, bytes);
          put_u32(out + entry + 4, string_at);
          put_u32(out + entry + 8, flags);
          put_u32(out + entry + 12, n_targets);
          put_u32(out + entry + 16, target_at);
        } else {
          put_u32(out + target_at, bytes);
          put_u32(out + target_at + 4, string_at);
          target_at += 8;
        }
        string_at += bytes;
      }
      entry += 20;
      emitted++;
    }
  }
  for (uint32_t i = 0; i < name_count; i++) free(names[i]);
  return need;
}

EXPORT hresult_t CALLCONV BfGetMappings(uint32_t flags, void *job, PCWSTR16 path, void *sid,
                                       uint32_t *bufferSize, uint8_t *buffer) {
  if (delay_ms) sleep_ms(delay_ms);
  lock_enter();
  Text t = {0};
  int unterminated = 0;
  text_fmt(&t, "{\"fn\":\"BfGetMappings\",\"flags\":%llu", flags);
  text_str(&t, ",\"path\":");
  text_wide(&t, path, &unterminated);
  text_fmt(&t, ",\"bufferSize\":%llu", bufferSize ? *bufferSize : 0);
  text_fmt(&t, ",\"unterminated\":%llu", unterminated);
  hresult_t hr;
  WCHAR16 *key = path && !unterminated ? canonical(path) : NULL;
  if (!bufferSize || job || sid || flags != GET_MAPPINGS_FLAG_VOLUME || !key || !key[0] ||
      key[1] != ':') {
    hr = HR_INVALIDARG;
  } else if (mappings_head != mappings_tail) {
    MappingsScript *next = &mappings_script[mappings_head % MAX_SCRIPT];
    if (next->bytes) {
      if (!buffer || *bufferSize < next->length) {
        *bufferSize = next->length;
        hr = HR_INSUFFICIENT_BUFFER;
      } else {
        memcpy(buffer, next->bytes, next->length);
        *bufferSize = next->length;
        free(next->bytes);
        mappings_head++;
        hr = HR_OK;
      }
    } else {
      *bufferSize = next->required;
      hr = next->hresult;
      mappings_head++;
    }
  } else {
    uint32_t need = layout(key[0], NULL, 0);
    if (!buffer || *bufferSize < need) {
      *bufferSize = need;
      hr = HR_INSUFFICIENT_BUFFER;
    } else {
      layout(key[0], buffer, *bufferSize);
      *bufferSize = need;
      hr = HR_OK;
    }
  }
  free(key);
  record(&t, hr);
  lock_leave();
  return hr;
}

/* ---- control panel for tests ---- */

static void forget_mappings_scripts(void) {
  for (; mappings_head != mappings_tail; mappings_head++)
    free(mappings_script[mappings_head % MAX_SCRIPT].bytes);
  mappings_head = mappings_tail = 0;
}

/* Forgets every call, link, existing path, script, volume and delay. */
EXPORT void double_reset(void) {
  lock_enter();
  for (uint32_t i = 0; i < call_count; i++) free(calls[i].json);
  for (uint32_t i = 0; i < link_count; i++) {
    free(links[i].virtual_path);
    free(links[i].backing_path);
  }
  for (uint32_t i = 0; i < existing_count; i++) free(existing[i]);
  for (uint32_t i = 0; i < 26; i++) {
    free(volumes[i].device);
    volumes[i].device = NULL;
  }
  call_count = link_count = existing_count = 0;
  script_head[0] = script_tail[0] = script_head[1] = script_tail[1] = 0;
  forget_mappings_scripts();
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

/* The next BfGetMappings returns `hresult` and sets *bufferSize to `required` (a short buffer). */
EXPORT void double_script_mappings(int32_t hresult, uint32_t required) {
  lock_enter();
  if (mappings_tail - mappings_head < MAX_SCRIPT) {
    MappingsScript *next = &mappings_script[mappings_tail++ % MAX_SCRIPT];
    next->hresult = hresult;
    next->required = required;
    next->bytes = NULL;
    next->length = 0;
  }
  lock_leave();
}

/* The next BfGetMappings with room for `length` bytes answers exactly these bytes. */
EXPORT void double_script_mappings_raw(const uint8_t *bytes, uint32_t length) {
  lock_enter();
  if (mappings_tail - mappings_head < MAX_SCRIPT) {
    uint8_t *copy = malloc(length ? length : 1);
    if (!copy) abort();
    if (length) memcpy(copy, bytes, length);
    MappingsScript *next = &mappings_script[mappings_tail++ % MAX_SCRIPT];
    next->hresult = HR_OK;
    next->required = length;
    next->bytes = copy;
    next->length = length;
  }
  lock_leave();
}

/* Drive `drive` ("C:") is the NT device `device` ("\Device\HarddiskVolume3") in listings. */
EXPORT void double_set_volume(PCWSTR16 drive, PCWSTR16 device) {
  lock_enter();
  WCHAR16 letter = drive ? wupper(drive[0]) : 0;
  if (letter >= 'A' && letter <= 'Z' && device) {
    free(volumes[letter - 'A'].device);
    volumes[letter - 'A'].device = wdup(device);
  }
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
  existing[existing_count++] = canonical(path);
  lock_leave();
}

/* Every call sleeps this long before reading its arguments. */
EXPORT void double_set_delay(uint32_t milliseconds) { delay_ms = milliseconds; }

/*
 * A DLL of the double's own that a variant of the double imports (-DDOUBLE_WITH_HELPER), to
 * show where the loader resolves a bind link DLL's imports from. The real helper goes into
 * System32 and answers 1; the decoy (-DHELPER_DECOY) goes beside deno.exe, answers 2 and, when
 * loaded at all, writes "<its path>.loaded".
 */
#include <windows.h>

#ifdef HELPER_DECOY
#define HELPER_VALUE 2
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
#else
#define HELPER_VALUE 1
#endif

__declspec(dllexport) int bindlink_helper_value(void) { return HELPER_VALUE; }

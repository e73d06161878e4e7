/**
 * The advapi32.dll functions of the trust rule: who owns a file and what its DACL grants,
 * which user runs this process and whether its token is elevated, and security descriptors
 * from SDDL for the protected ProgramData folder.
 *
 * @module
 */
import { system32Path } from "./system_root.ts";

/** advapi32.dll's functions, as `Deno.dlopen` needs them. */
export const advapi32Symbols = {
  /** DWORD GetNamedSecurityInfoW(LPCWSTR, SE_OBJECT_TYPE, SECURITY_INFORMATION, PSID*, PSID*, PACL*, PACL*, PSECURITY_DESCRIPTOR*) */
  GetNamedSecurityInfoW: {
    parameters: [
      "buffer", // LPCWSTR pObjectName
      "u32", // SE_OBJECT_TYPE ObjectType (SE_FILE_OBJECT)
      "u32", // SECURITY_INFORMATION SecurityInfo
      "buffer", // PSID* ppsidOwner
      "buffer", // PSID* ppsidGroup (NULL)
      "buffer", // PACL* ppDacl
      "buffer", // PACL* ppSacl (NULL)
      "buffer", // PSECURITY_DESCRIPTOR* ppSecurityDescriptor: LocalFree it
    ],
    result: "u32", // DWORD: ERROR_SUCCESS (0) or a Win32 error
  },
  /** DWORD GetSecurityInfo(HANDLE, SE_OBJECT_TYPE, SECURITY_INFORMATION, PSID*, PSID*, PACL*, PACL*, PSECURITY_DESCRIPTOR*) */
  GetSecurityInfo: {
    parameters: [
      "pointer", // HANDLE handle (opened with READ_CONTROL)
      "u32", // SE_OBJECT_TYPE ObjectType (SE_FILE_OBJECT)
      "u32", // SECURITY_INFORMATION SecurityInfo
      "buffer", // PSID* ppsidOwner
      "buffer", // PSID* ppsidGroup (NULL)
      "buffer", // PACL* ppDacl
      "buffer", // PACL* ppSacl (NULL)
      "buffer", // PSECURITY_DESCRIPTOR* ppSecurityDescriptor: LocalFree it
    ],
    result: "u32", // DWORD: ERROR_SUCCESS (0) or a Win32 error
  },
  /** BOOL GetAce(PACL pAcl, DWORD dwAceIndex, LPVOID* pAce) */
  GetAce: {
    parameters: [
      "pointer", // PACL pAcl
      "u32", // DWORD dwAceIndex
      "buffer", // LPVOID* pAce: points into the ACL, not freed
    ],
    result: "i32", // BOOL
  },
  /** BOOL ConvertSidToStringSidW(PSID Sid, LPWSTR* StringSid) */
  ConvertSidToStringSidW: {
    parameters: [
      "pointer", // PSID Sid
      "buffer", // LPWSTR* StringSid: LocalFree it
    ],
    result: "i32", // BOOL
  },
  /** BOOL LookupAccountSidW(LPCWSTR, PSID, LPWSTR, LPDWORD, LPWSTR, LPDWORD, PSID_NAME_USE) */
  LookupAccountSidW: {
    parameters: [
      "pointer", // LPCWSTR lpSystemName (NULL: this computer)
      "pointer", // PSID Sid
      "buffer", // LPWSTR Name
      "buffer", // LPDWORD cchName, in WCHARs
      "buffer", // LPWSTR ReferencedDomainName
      "buffer", // LPDWORD cchReferencedDomainName, in WCHARs
      "buffer", // PSID_NAME_USE peUse
    ],
    result: "i32", // BOOL
  },
  /** BOOL OpenProcessToken(HANDLE ProcessHandle, DWORD DesiredAccess, PHANDLE TokenHandle) */
  OpenProcessToken: {
    parameters: [
      "pointer", // HANDLE ProcessHandle (the current-process pseudo handle)
      "u32", // DWORD DesiredAccess (TOKEN_QUERY)
      "buffer", // PHANDLE TokenHandle: CloseHandle it
    ],
    result: "i32", // BOOL
  },
  /** BOOL GetTokenInformation(HANDLE, TOKEN_INFORMATION_CLASS, LPVOID, DWORD, PDWORD) */
  GetTokenInformation: {
    parameters: [
      "pointer", // HANDLE TokenHandle
      "u32", // TOKEN_INFORMATION_CLASS TokenInformationClass
      "buffer", // LPVOID TokenInformation
      "u32", // DWORD TokenInformationLength, in bytes
      "buffer", // PDWORD ReturnLength
    ],
    result: "i32", // BOOL
  },
  /** BOOL ConvertStringSecurityDescriptorToSecurityDescriptorW(LPCWSTR, DWORD, PSECURITY_DESCRIPTOR*, PULONG) */
  ConvertStringSecurityDescriptorToSecurityDescriptorW: {
    parameters: [
      "buffer", // LPCWSTR StringSecurityDescriptor (SDDL)
      "u32", // DWORD StringSDRevision (SDDL_REVISION_1)
      "buffer", // PSECURITY_DESCRIPTOR* SecurityDescriptor: LocalFree it
      "pointer", // PULONG SecurityDescriptorSize (NULL)
    ],
    result: "i32", // BOOL
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The absolute path of advapi32.dll in System32. */
export function advapi32Path(): string {
  return system32Path("advapi32.dll");
}

/** SE_OBJECT_TYPE: a file or folder. */
export const SE_FILE_OBJECT = 1;
/** SECURITY_INFORMATION: the owner. */
export const OWNER_SECURITY_INFORMATION = 0x1;
/** SECURITY_INFORMATION: the DACL. */
export const DACL_SECURITY_INFORMATION = 0x4;
/** OpenProcessToken: read the token. */
export const TOKEN_QUERY = 0x8;
/** TOKEN_INFORMATION_CLASS: the token's user (TOKEN_USER). */
export const TOKEN_USER_CLASS = 1;
/** TOKEN_INFORMATION_CLASS: whether the token is elevated (TOKEN_ELEVATION). */
export const TOKEN_ELEVATION_CLASS = 20;
/** ConvertStringSecurityDescriptorToSecurityDescriptorW's only revision. */
export const SDDL_REVISION_1 = 1;
/** ACE_HEADER.AceType of an access-allowed ACE. */
export const ACCESS_ALLOWED_ACE_TYPE = 0;
/** ACE_HEADER.AceType of an access-allowed callback ACE (same layout). */
export const ACCESS_ALLOWED_CALLBACK_ACE_TYPE = 9;
/** ACE_HEADER.AceFlags: the ACE only serves inheritance and does not apply to the object. */
export const INHERIT_ONLY_ACE = 0x08;

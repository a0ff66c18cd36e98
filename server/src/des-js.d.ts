/** The part of des.js (indutny; no bundled types) that VNC authentication uses. */
declare module 'des.js' {
  interface Cipher {
    update(data: number[]): number[];
    final(): number[];
  }
  const desjs: { DES: { create(options: { type: 'encrypt' | 'decrypt'; key: number[]; padding?: boolean }): Cipher } };
  export default desjs;
}

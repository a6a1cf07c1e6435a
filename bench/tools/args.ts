/** Command-line options of the bench scripts: `--name value` pairs and bare flags, read from process.argv. */
export const args: readonly string[] = process.argv.slice(2);

/** The value after `--name`, or `dflt` when the option (or its value) is absent. */
export function opt(name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? dflt) : dflt;
}

/**
 * Java's DateTimeFormatter / SimpleDateFormat layouts (`yy/MM/dd HH:mm:ss`, `yyyy-MM-dd
 * HH:mm:ss,SSS`, `dd/MMM/yyyy:HH:mm:ss Z`) as the strftime patterns time/strftime.ts scans, so
 * both spellings go through one time scanner. Letters: y M d H h m s S (a fraction, any digits)
 * a E D Z X x z; text in single quotes is literal (`''` is a quote); other letters are refused,
 * since they would mean something this reader does not do.
 *
 * Returns the strftime pattern, or the offset (into `layout`) of the first letter it cannot take.
 */
export function javaToStrftime(layout: string): { pattern: string } | { badAt: number; why: string } {
  let out = '';
  for (let i = 0; i < layout.length; ) {
    const c = layout[i]!;
    if (c === "'") {
      const close = layout.indexOf("'", i + 1);
      if (close < 0) return { badAt: i, why: 'a quote in the time layout is not closed' };
      out += close === i + 1 ? "'" : escape(layout.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += escape(c);
      i++;
      continue;
    }
    let n = 1;
    while (layout[i + n] === c) n++;
    const directive = letter(c, n);
    if (directive === null) return { badAt: i, why: `"${c.repeat(n)}" is not a time layout letter this reader knows` };
    out += directive;
    i += n;
  }
  return { pattern: out };
}

function letter(c: string, n: number): string | null {
  switch (c) {
    case 'y':
    case 'u':
      return n === 2 ? '%y' : '%Y';
    case 'M':
    case 'L':
      return n >= 4 ? '%B' : n === 3 ? '%b' : '%m';
    case 'd':
      return '%d';
    case 'D':
      return '%j';
    case 'H':
      return '%H';
    case 'h':
      return '%I';
    case 'm':
      return '%M';
    case 's':
      return '%S';
    case 'S':
      return '%f';
    case 'a':
      return '%p';
    case 'E':
      return '%a';
    case 'Z':
    case 'X':
    case 'x':
      return '%z';
    case 'z':
      return '%Z';
    default:
      return null;
  }
}

function escape(text: string): string {
  return text.replace(/%/g, '%%');
}

// Java keywords weighted 1 by the weighted n-gram match (every other token weighs 0.2): the 50
// reserved words of the Java Language Specification, the list CodeBLEU's keywords/java.txt holds.
export const JAVA_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'abstract assert boolean break byte case catch char class const continue default do double else enum ' +
    'extends final finally float for goto if implements import instanceof int interface long native new ' +
    'package private protected public return short static strictfp super switch synchronized this throw ' +
    'throws transient try void volatile while'
  ).split(' '),
);

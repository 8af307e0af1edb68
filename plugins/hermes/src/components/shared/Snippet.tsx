/** A search snippet with its `**`-wrapped matches highlighted. */
export function Snippet(props: { text: string }) {
  return (
    <>
      {props.text
        .split('**')
        .map((piece, i) =>
          i % 2 === 1 ? <mark key={i}>{piece}</mark> : piece,
        )}
    </>
  );
}

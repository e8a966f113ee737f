import { Fragment } from 'react';

/** Text such as `com.qiao.sales_order.created` that may wrap after its dots and underscores in a narrow column. */
export function Breakable({ text }: { text: string }) {
  const parts = text.split(/(?<=[._/])/);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </>
  );
}

/**
 * One bar per item inside an SVG whose viewBox is 100 wide and `height`
 * high, left to right, scaled so that `top` fills the height. Each bar
 * carries its own tooltip.
 */
export function Bars<T>(props: {
  items: T[];
  keyOf: (item: T) => string;
  valueOf: (item: T) => number;
  titleOf: (item: T) => string;
  top: number;
  height: number;
  color: string;
  testId: string;
}) {
  const slot = 100 / props.items.length;
  return (
    <>
      {props.items.map((item, i) => {
        const barHeight = (props.valueOf(item) / props.top) * props.height;
        return (
          <rect
            key={props.keyOf(item)}
            data-testid={props.testId}
            x={i * slot + slot * 0.15}
            width={slot * 0.7}
            y={props.height - barHeight}
            height={barHeight}
            fill={props.color}
          >
            <title>{props.titleOf(item)}</title>
          </rect>
        );
      })}
    </>
  );
}

interface TagChipsProps {
  tags: string[];
}

/** Unlabelled on purpose: a table column header or nearby heading already says "Tags". */
export function TagChips({ tags }: TagChipsProps) {
  if (tags.length === 0) return null;
  return (
    <ul className="tags">
      {tags.map((tag) => (
        <li key={tag} className="tag">
          {tag}
        </li>
      ))}
    </ul>
  );
}

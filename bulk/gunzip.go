package bulk

import (
	"bufio"
	"compress/gzip"
	"io"
	"os"
)

// checkedGzip reads a gzip file (one member or several) and gives out a
// member's data only once the whole member has been read and its checksum
// checked: a member damaged in the middle decompresses to lines that may
// still parse as items, with other values, before its checksum fails at
// its end. Each member is read twice: once to check it, once to use it.
type checkedGzip struct {
	f    *os.File
	next int64     // where the next member starts
	cur  io.Reader // the member being given out, checked
	zr   *gzip.Reader
	read int64 // compressed bytes given out, for progress
}

// Read implements io.Reader.
func (c *checkedGzip) Read(p []byte) (int, error) {
	for {
		if c.cur != nil {
			n, err := c.cur.Read(p)
			if err == io.EOF {
				c.cur = nil
				err = nil
			}
			if n > 0 || err != nil {
				return n, err
			}
			continue
		}
		if err := c.open(); err != nil {
			return 0, err
		}
	}
}

// open checks the member at c.next and makes it the current one; io.EOF
// at the end of the file.
func (c *checkedGzip) open() error {
	if _, err := c.f.Seek(c.next, io.SeekStart); err != nil {
		return err
	}
	counted := &countingByteReader{r: bufio.NewReaderSize(c.f, 256<<10)}
	if _, err := counted.r.Peek(1); err == io.EOF {
		return io.EOF
	}
	if err := c.reset(counted); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, c.zr); err != nil {
		return err
	}
	size := counted.n // the member's exact length: flate reads byte by byte
	if _, err := c.f.Seek(c.next, io.SeekStart); err != nil {
		return err
	}
	member := &countingReader{r: io.LimitReader(c.f, size)}
	if err := c.reset(bufio.NewReaderSize(member, 256<<10)); err != nil {
		return err
	}
	c.cur = &progressReader{r: c.zr, member: member, base: c.read, read: &c.read}
	c.next += size
	return nil
}

// reset points the gzip reader at the member r starts with.
func (c *checkedGzip) reset(r io.Reader) error {
	var err error
	if c.zr == nil {
		c.zr, err = gzip.NewReader(r)
	} else {
		err = c.zr.Reset(r)
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return err
	}
	c.zr.Multistream(false)
	return nil
}

// Close ends the reader.
func (c *checkedGzip) Close() error {
	if c.zr == nil {
		return nil
	}
	return c.zr.Close()
}

// progressReader counts, in *read, the compressed bytes of the members
// given out so far.
type progressReader struct {
	r      io.Reader
	member *countingReader
	base   int64
	read   *int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	*p.read = p.base + p.member.n
	return n, err
}

// countingByteReader counts the bytes read through it, one at a time or
// not; gzip reads a reader with ReadByte as it is, without a buffer of
// its own, so the count ends exactly at a member's end.
type countingByteReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingByteReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingByteReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

var _ io.ByteReader = (*countingByteReader)(nil)

